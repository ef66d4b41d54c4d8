import type { ActionIntent, ProposedAction } from '../model/action.js';
import type { SiteConfig } from '../model/inventory.js';

/**
 * Turns the diagnosis's intents into proposals with their exact commands, and offers a failing
 * site its declared rollbacks. Remediation implements it; the composition root passes it in.
 */
export interface ActionProposer {
  /** The proposal for one intent; undefined when it cannot be proposed (unknown kind, bad params). */
  propose(intent: ActionIntent): ProposedAction | undefined;
  /** The rollbacks a site declares, offered when it is down. */
  rollbacks(site: SiteConfig): ProposedAction[];
}
