import type { Logger } from '../ports.js';
import type { DueTimer } from './dueTimer.js';
import type { Schedule } from './schedule.js';
import type { ScheduleRuntime, ScheduleStore } from './scheduleStore.js';

/** One schedule's live state inside the Scheduler (its runs are tracked by id, apart). */
export class ScheduleEntry {
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

  /** Resolves when pending saves are done. */
  async settled(): Promise<void> {
    await this.saving;
  }
}
