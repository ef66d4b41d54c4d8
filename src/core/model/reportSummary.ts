import type { SiteStatus } from './report.js';
import type { RunOrigin } from './runOrigin.js';

/** One line of `/medic history`. */
export interface ReportSummary {
  id: string;
  site: string;
  playbook: string;
  status: SiteStatus;
  headline: string;
  topCause: string | null;
  startedAt: string;
  durationMs: number;
  trigger: RunOrigin['trigger'];
  requestedBy: string | null;
}
