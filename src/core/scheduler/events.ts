import type { IncidentNotice, IncidentState } from './incidentState.js';
import type { Schedule } from './schedule.js';

/** What the scheduler tells the chat adapter. Neutral data; the adapter renders and posts. */
export type SchedulerEvent =
  /**
   * Change detected (or a notice not delivered before, retried). For 'recovered', `state` is
   * the closed incident (its id and thread).
   */
  | { type: 'incident'; schedule: Schedule; notify: IncidentNotice; reportId: string; state: IncidentState }
  /** A failing run with nothing new to say: nothing is posted, self-healing still looks at it. */
  | { type: 'unchanged'; schedule: Schedule; reportId: string; state: IncidentState }
  /** A fire time came while the previous run was still going: skipped, said once per slow run. */
  | { type: 'slow-run'; schedule: Schedule; runningForMs: number }
  /** Fire times that passed while Medic was down: said once at start-up, never replayed. */
  | { type: 'missed'; schedule: Schedule; count: number; from: string; to: string; capped: boolean }
  /** The run (or the next fire time) failed; said once per streak of the same error code. */
  | { type: 'run-failed'; schedule: Schedule; code: string; message: string };
