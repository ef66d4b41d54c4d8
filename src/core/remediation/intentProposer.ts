import type { ActionProposer } from '../engine/actionProposer.js';
import { isMedicError } from '../errors.js';
import type { ActionIntent, ProposedAction } from '../model/action.js';
import { propose } from './actionCatalog.js';
import { siteRollbacks } from './siteRollbacks.js';

/** One proposal for an intent: the action kind's own commands, or a manual step shown as it is. */
export function proposeIntent(intent: ActionIntent): ProposedAction | undefined {
  if (intent.manual) {
    const { id, kind, host, target, title, steps, risk } = intent;
    return { id, kind, title, host, target, risk, params: {}, preview: steps, manual: true };
  }
  try {
    return propose(intent.kind, intent.host, intent.params, intent.name);
  } catch (err) {
    // An intent whose params the action refuses is a diagnosis bug: no button rather than a crash.
    if (isMedicError(err)) return undefined;
    throw err;
  }
}

/** The proposer the engine uses: intents through the action catalog, rollbacks from the site. */
export const intentProposer: ActionProposer = { propose: proposeIntent, rollbacks: siteRollbacks };
