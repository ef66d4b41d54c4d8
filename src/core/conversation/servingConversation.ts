import type { ReplySink } from '../model/reply.js';
import type { RunOrigin } from '../ports.js';
import { InFlight } from '../remediation/inFlight.js';
import { Conversation } from './conversation.js';

/**
 * The conversation of a serving Medic (console or Slack): every message it handles is tracked
 * until its last reply went out (the report posted, self-healing reported), so shutdown can wait
 * for it; after `stopTaking()` a new message gets "shutting down" (a passive one, nothing).
 */
export class ServingConversation extends Conversation {
  readonly inFlight = new InFlight();
  private closed = false;

  /** No new work: messages from now on are answered "shutting down". */
  stopTaking(): void {
    this.closed = true;
  }

  override handle(
    text: string,
    reply: ReplySink,
    origin?: RunOrigin,
    opts: { passive?: boolean } = {},
  ): Promise<void> {
    if (this.closed) {
      if (opts.passive) return Promise.resolve();
      return Promise.resolve(
        reply({ type: 'error', code: 'shutdown', message: 'Medic is shutting down; ask again in a minute.' }),
      );
    }
    return this.inFlight.track(super.handle(text, reply, origin, opts));
  }
}
