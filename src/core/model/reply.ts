import type { Approvals } from './approvals.js';
import type { ProgressEvent } from './progress.js';
import type { RemediationReply } from './remediationReply.js';
import type { Report } from './report.js';
import type { ReportSummary } from './reportSummary.js';
import type { ScheduleNotice } from './scheduleNotice.js';

/** Neutral messages the core sends back; each chat adapter renders them. */
export type Reply =
  | { type: 'help'; sites: string[]; playbooks: string[] }
  | { type: 'sites'; sites: Array<{ name: string; url: string; hosts: string[] }> }
  | { type: 'playbooks'; playbooks: Array<{ id: string; title: string; description: string }> }
  | { type: 'picker'; query: string; sites: string[] }
  | { type: 'unknown-site'; query: string; suggestions: string[]; known: string[] }
  | { type: 'not-understood'; text: string }
  | { type: 'started'; site: string; playbook: string; joined: boolean }
  | { type: 'progress'; site: string; event: ProgressEvent }
  /** `approvals` maps the report's actions to pending ids (buttons); absent where none can be approved. */
  | { type: 'report'; report: Report; approvals?: Approvals }
  | { type: 'history'; site: string; entries: ReportSummary[] }
  | { type: 'status'; running: string[]; latest: ReportSummary[]; sites: string[] }
  | { type: 'error'; code: string; message: string }
  | RemediationReply
  | ScheduleNotice;

export type ReplySink = (reply: Reply) => void | Promise<void>;
