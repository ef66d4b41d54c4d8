import type { ProposedAction } from './action.js';
import type { BlindSpot } from './blindSpot.js';
import type { Cause } from './cause.js';
import type { ReportTopology } from './chainView.js';
import type { Finding } from './finding.js';
import type { StoreProblem } from './storeProblem.js';

/**
 * `unknown`: no probe failed, but Medic could not look at part of the request's path, so it
 * cannot say the site is healthy.
 */
export type SiteStatus = 'healthy' | 'degraded' | 'down' | 'unknown';

/** What the verdict rests on: probes spread over the run and the gateway's fresh upstream errors. */
export interface HealthBasis {
  probes: number;
  failedProbes: number;
  /** Upstream errors the gateways logged for this site within `recentSeconds` of the run. */
  recentGatewayErrors: number;
  recentSeconds: number;
}

/** What happened to one check on one host: the per-check table of a report. */
export interface CheckRun {
  check: string;
  host: string;
  status: 'ok' | 'warn' | 'critical' | 'error' | 'skipped';
  durationMs: number;
  /** Set when the check could not run (transport failure, timeout, unparseable output). */
  error?: { code: string; message: string };
  /** How its commands ran, when not as usual (one channel per step, because the batch could not run). */
  note?: string;
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
  /** The request's path as discovered: gateway → target → listener → process → owner. */
  topology: ReportTopology;
  /** What Medic could not see, and why. */
  blindSpots: BlindSpot[];
  basis: HealthBasis;
  /** Set when the report could not be stored (history will not have it), and why. */
  notSaved?: StoreProblem;
}
