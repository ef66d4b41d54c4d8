import type { Approvals } from '../model/approvals.js';
import type { RemediationReply } from '../model/remediationReply.js';
import type { Report } from '../model/report.js';
import type { Logger } from '../ports.js';

/** Where remediation speaks: its own replies, and follow-up reports with their buttons. */
export type RemediationSink = (
  reply: RemediationReply | { type: 'report'; report: Report; approvals?: Approvals },
) => void | Promise<void>;

/**
 * A sink whose failures (a chat call that failed) are logged, never thrown: once an action
 * has been decided, a message that could not be posted must not stop it or its verification.
 */
export function quietSink(sink: RemediationSink, logger: Logger): RemediationSink {
  return async (reply) => {
    try {
      await sink(reply);
    } catch (err) {
      logger.error({ err, reply: reply.type }, 'could not post a remediation message');
    }
  };
}
