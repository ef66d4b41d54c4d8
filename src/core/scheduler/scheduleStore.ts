import type { IncidentState } from './incidentState.js';
import type { Schedule } from './schedule.js';
import type { SchedulerLease } from './schedulerLease.js';

/** What the scheduler remembers about a schedule between restarts. */
export interface ScheduleRuntime {
  lastRunAt?: string;
  /** The armed fire time; at start-up, one far in the past means Medic was down (missed runs). */
  nextRunAt?: string;
  incident: IncidentState;
  /** Error code of the current streak of failed runs, once said (said once per streak). */
  failedCode?: string;
}

export interface StoredSchedule {
  schedule: Schedule;
  runtime: ScheduleRuntime;
}

/** Schedules and their runtime state survive restarts. */
export interface ScheduleStore {
  /** Every schedule, ordered by id; runtime defaults to `{ incident: { status: 'unknown' } }`. */
  list(): Promise<StoredSchedule[]>;
  /** Insert or replace the definition; the runtime state of an existing id is kept. */
  upsert(schedule: Schedule): Promise<void>;
  /** Insert a new schedule; false (nothing changed) when the id exists. */
  insert(schedule: Schedule): Promise<boolean>;
  /** Delete the schedule and its runtime; true when it existed. */
  remove(id: string): Promise<boolean>;
  /** True when the schedule exists. */
  setPaused(id: string, paused: boolean): Promise<boolean>;
  /** Ignored for an unknown id (a run that finished after its schedule was removed). */
  saveRuntime(id: string, runtime: ScheduleRuntime): Promise<void>;
  /**
   * Present when several processes may share the store: only the holder runs schedules.
   * Absent (the in-memory store): this process is the only one, the lease is always held.
   */
  readonly lease?: SchedulerLease;
}
