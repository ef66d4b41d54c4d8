import type { RemediationSink } from './actionRunner.js';
import type { Actor } from './actor.js';
import { checkClickPlace } from './buttonPlace.js';
import type { PendingRecord } from './remediationStore.js';
import type { RemediatorDeps } from './remediatorDeps.js';

/** A click refused: audited with its code, logged once, and said to the clicker alone. */
export async function refuse(
  deps: Pick<RemediatorDeps, 'store' | 'clock' | 'logger'>,
  r: {
    pending: PendingRecord | undefined;
    pendingId: string;
    actor: Actor;
    code: string;
    message: string;
    sink: RemediationSink;
    extra?: Record<string, unknown>;
  },
): Promise<void> {
  const { pending, pendingId, actor, code } = r;
  await deps.store.audit({
    at: deps.clock.now().toISOString(),
    site: pending?.site ?? '-',
    pendingId: pending ? pendingId : null,
    event: 'refused',
    actor: actor.userId,
    detail: {
      code,
      ...(pending ? { action: pending.actionId } : { value: pendingId.slice(0, 100) }),
      ...r.extra,
    },
  });
  deps.logger.info({ code, actor: actor.userId, pending: pendingId.slice(0, 100) }, 'remediation refused');
  await r.sink({ type: 'remediation-refused', code, message: r.message });
}

/**
 * The stored pending action of a button, or undefined after a refusal (audited): when there is
 * none, and when the click came from somewhere else than a message that carries its buttons
 * (another workspace, channel or message). A refusal changes nothing.
 */
export async function findPending(
  deps: Pick<RemediatorDeps, 'store' | 'clock' | 'logger'>,
  pendingId: string,
  actor: Actor,
  sink: RemediationSink,
): Promise<PendingRecord | undefined> {
  const pending = await deps.store.getPending(pendingId);
  if (!pending) {
    const message = 'this button is not a pending action of Medic';
    await refuse(deps, { pending, pendingId, actor, code: 'unknown-action', message, sink });
    return undefined;
  }
  if (actor.click) {
    const wrong = checkClickPlace(pending, await deps.store.postedMessages(pending.id), actor.click);
    if (wrong) {
      const { team, channel, messageTs } = actor.click;
      const clicked = { team: team ?? null, channel: channel ?? null, ts: messageTs ?? null };
      await refuse(deps, { pending, pendingId, actor, ...wrong, sink, extra: { clicked } });
      return undefined;
    }
  }
  return pending;
}
