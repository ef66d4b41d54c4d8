import type { RunOrigin } from './runOrigin.js';

/**
 * A diagnosis that ended without a report: Medic stopped before it could finish (the drain
 * time ran out). Stored so that history says so instead of leaving a gap.
 */
export interface RunRecord {
  id: string;
  site: string;
  playbook: string;
  state: 'interrupted';
  /** Why it ended: today only a shutdown. */
  reason: 'shutdown';
  startedAt: string;
  endedAt: string;
  /** Checks that had finished when it was interrupted, of how many planned. */
  checksDone: number;
  checksTotal: number;
  origin: RunOrigin;
}
