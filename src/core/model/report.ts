import type { ProposedAction } from './action.js';
import type { Cause } from './cause.js';
import type { Finding } from './finding.js';

export type SiteStatus = 'healthy' | 'degraded' | 'down';

/** What happened to one check on one host: the per-check table of a report. */
export interface CheckRun {
  check: string;
  host: string;
  status: 'ok' | 'warn' | 'critical' | 'error' | 'skipped';
  durationMs: number;
  /** Set when the check could not run (transport failure, timeout, unparseable output). */
  error?: { code: string; message: string };
}

/** The neutral result of one playbook run against one site. Adapters render it. */
export interface Report {
  id: string;
  site: string;
  playbook: string;
  status: SiteStatus;
  headline: string;
  startedAt: string;
  durationMs: number;
  hosts: string[];
  causes: Cause[];
  findings: Finding[];
  actions: ProposedAction[];
  checks: CheckRun[];
}
