import type { Clock, Logger } from '../ports.js';
import type { NextRun } from './cronSpec.js';
import type { SchedulerEvent } from './events.js';
import type { RunOutcome } from './incidentTracker.js';
import type { LeaseTiming } from './leaseKeeper.js';
import type { Schedule } from './schedule.js';
import type { SchedulerLease } from './schedulerLease.js';
import type { ScheduleRuntime, ScheduleStore } from './scheduleStore.js';
import type { Timers } from './timers.js';

export interface SchedulerDeps {
  clock: Clock;
  timers: Timers;
  nextRun: NextRun;
  store: ScheduleStore;
  /** Runs the schedule's playbook (the adapter saves the report with trigger 'schedule'). */
  run: (s: Schedule) => Promise<RunOutcome>;
  /**
   * Says an event; true when it was delivered. False or a rejection: not delivered (an incident
   * notice stays pending and is said after the next run; a run failure is said again).
   */
  notify: (event: SchedulerEvent) => Promise<boolean>;
  logger: Logger;
  newId?: () => string;
  /**
   * Throws a chat-safe MedicError when a schedule cannot run as stored (its playbook is not
   * loaded, say). Checked when this process takes the schedules over: such a schedule is said
   * once (run-failed) and not armed.
   */
  check?: (s: Schedule) => void;
  /** Default: the store's lease; without one (in-memory store), always held. */
  lease?: SchedulerLease;
  /** Default: host, pid and a random suffix. */
  leaseOwner?: string;
  leaseTiming?: Partial<LeaseTiming>;
}

export interface ScheduleView {
  schedule: Schedule;
  runtime: ScheduleRuntime;
  running: boolean;
}
