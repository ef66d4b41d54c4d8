import type { SiteStatus } from './report.js';
import type { RunOrigin } from './runOrigin.js';

/** One line of `/medic history`: a report, or a run that ended without one (`interrupted`). */
export interface ReportSummary {
  id: string;
  site: string;
  playbook: string;
  status: SiteStatus | 'interrupted';
  headline: string;
  topCause: string | null;
  startedAt: string;
  durationMs: number;
  trigger: RunOrigin['trigger'];
  requestedBy: string | null;
}
