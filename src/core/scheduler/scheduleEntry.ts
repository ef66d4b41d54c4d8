import type { Logger } from '../ports.js';
import type { DueTimer } from './dueTimer.js';
import type { Schedule } from './schedule.js';
import type { ScheduleRuntime, ScheduleStore } from './scheduleStore.js';

/** One schedule's live state inside the Scheduler. */
export class ScheduleEntry {
  running?: Promise<void>;
  runStartedAt = 0;
  /** A slow-run event was said for the run in progress. */
  slowReported = false;
  /** Error code of the current streak of failed runs (said once). */
  failedCode?: string;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    public schedule: Schedule,
    public runtime: ScheduleRuntime,
    readonly timer: DueTimer,
  ) {}

  /** Save a snapshot of the runtime; saves are chained, so the store sees them in order. */
  persist(store: ScheduleStore, logger: Logger): Promise<void> {
    const id = this.schedule.id;
    const snapshot = structuredClone(this.runtime);
    this.saving = this.saving
      .then(() => store.saveRuntime(id, snapshot))
      .catch((err: unknown) => logger.error({ err, schedule: id }, 'cannot save schedule state'));
    return this.saving;
  }

  /** Forget the armed fire time (paused, or a cron that never fires again). */
  dropNextRun(): void {
    const { nextRunAt: _dropped, ...runtime } = this.runtime;
    this.runtime = runtime;
  }

  /** Resolves when the run in progress and pending saves are done. */
  async settled(): Promise<void> {
    await Promise.allSettled([this.running]);
    await this.saving;
  }
}
