import type { Report } from '../model/report.js';
import type { Approvals, RemediationReply } from './remediationReply.js';

/** Where remediation speaks: its own replies, and follow-up reports with their buttons. */
export type RemediationSink = (
  reply: RemediationReply | { type: 'report'; report: Report; approvals?: Approvals },
) => void | Promise<void>;
