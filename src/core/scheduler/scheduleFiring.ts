import { toSafeError } from '../errors.js';
import { logFailure } from '../logFailure.js';
import { afterRun, type RunResult } from './afterRun.js';
import { DueTimer } from './dueTimer.js';
import type { SchedulerEvent } from './events.js';
import { countMissed, type MissedRuns, missedEvent, planRestart } from './missedRuns.js';
import { RunsInProgress } from './runsInProgress.js';
import { defaultMissedGraceSeconds } from './schedule.js';
import type { ScheduleEntry } from './scheduleEntry.js';
import type { SchedulerDeps } from './schedulerDeps.js';

/** What firing needs of the scheduler's dependencies. */
type FiringDeps = Pick<
  SchedulerDeps,
  'clock' | 'timers' | 'nextRun' | 'store' | 'run' | 'notify' | 'logger' | 'check'
>;

/** What the Scheduler tells its firing half about its own state. */
interface FiringState {
  /** The entry is still the one scheduled under its id, and this process holds the lease. */
  isLive: (entry: ScheduleEntry) => boolean;
  /** Timers may fire runs (started or starting, lease held). */
  isFiring: () => boolean;
  /** The last lease renewal still covers `now`. */
  leaseCovers: (now: Date) => boolean;
}

/**
 * The Scheduler's firing half: timers to runs, runs to saved state and said events. An event
 * is said after the state that records it is saved; an undelivered incident notice stays in
 * that state (see afterRun) and goes out after the next run.
 */
export class ScheduleFiring {
  readonly runs = new RunsInProgress();
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly deps: FiringDeps,
    private readonly newId: () => string,
    private readonly state: FiringState,
  ) {}

  isFiring(): boolean {
    return this.state.isFiring();
  }

  newTimer(): DueTimer {
    return new DueTimer(this.deps.clock, this.deps.timers);
  }

  /** Waits for runs in progress, then saves and background work (at stop). */
  async settled(entries: ScheduleEntry[]): Promise<void> {
    await this.runs.settled();
    await Promise.all(entries.map((e) => e.settled()));
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** True (and said once per streak, not armed) when `check` says the schedule cannot run. */
  async refuse(entry: ScheduleEntry): Promise<boolean> {
    if (!this.deps.check) return false;
    try {
      this.deps.check(entry.schedule);
      return false;
    } catch (err) {
      const safe = toSafeError(err, 'schedule.config');
      logFailure(this.deps.logger, err, { schedule: entry.schedule.id }, 'schedule cannot run');
      this.clearNext(entry);
      if (entry.runtime.failedCode !== safe.code)
        await this.deliver(entry, { type: 'run-failed', schedule: entry.schedule, ...safe });
      return true;
    }
  }

  async armAfterRestart(entry: ScheduleEntry, now: Date): Promise<void> {
    const s = entry.schedule;
    const grace = s.missedGraceSeconds ?? defaultMissedGraceSeconds;
    const plan = planRestart(entry.runtime.nextRunAt, grace, now);
    if (plan.kind === 'late') return this.armAt(entry, plan.due);
    let missed: MissedRuns | undefined;
    try {
      if (plan.kind === 'missed') missed = countMissed(this.deps.nextRun, s, plan.first, now);
    } catch (err) {
      this.deps.logger.warn({ err, schedule: s.id }, 'cannot count missed runs'); // armNext reports it
    }
    this.armNext(entry, now); // persisted before speaking: a crash now cannot report the gap twice
    if (!missed) return;
    this.deps.logger.warn({ schedule: s.id, count: missed.count }, 'scheduled runs missed while down');
    await this.say(missedEvent(s, missed));
  }

  /** Arm the first fire time strictly after `after` and persist it. */
  armNext(entry: ScheduleEntry, after: Date): void {
    entry.timer.cancel();
    let next: Date | null;
    try {
      next = this.deps.nextRun(entry.schedule.cron, entry.schedule.timezone, after);
    } catch (err) {
      next = null;
      this.deps.logger.error({ err, schedule: entry.schedule.id }, 'cannot compute the next run');
      const safe = toSafeError(err, 'schedule.cron');
      this.track(this.deliver(entry, { type: 'run-failed', schedule: entry.schedule, ...safe }));
    }
    if (!next) {
      this.clearNext(entry);
      return;
    }
    entry.runtime = { ...entry.runtime, nextRunAt: next.toISOString() };
    this.track(this.persist(entry));
    this.armAt(entry, next);
  }

  clearNext(entry: ScheduleEntry): void {
    entry.dropNextRun();
    this.track(this.persist(entry));
  }

  persist(entry: ScheduleEntry): Promise<void> {
    return entry.persist(this.deps.store, this.deps.logger);
  }

  startRun(entry: ScheduleEntry): Promise<void> {
    const startedAt = this.deps.clock.now();
    return this.runs.start(entry.schedule.id, startedAt.getTime(), () => this.execute(entry, startedAt));
  }

  private armAt(entry: ScheduleEntry, due: Date): void {
    entry.timer.arm(due, (now) => this.onDue(entry, now));
  }

  private onDue(entry: ScheduleEntry, now: Date): void {
    if (!this.state.isFiring() || !this.state.isLive(entry)) return;
    this.armNext(entry, now); // from now: fire times skipped by a clock jump are not replayed
    if (!this.state.leaseCovers(now)) {
      // Renewals stalled past the lease: another process may have taken over. Skip this one.
      this.deps.logger.warn({ schedule: entry.schedule.id }, 'lease not renewed in time: run skipped');
      return;
    }
    const run = this.runs.get(entry.schedule.id);
    if (!run) {
      this.track(this.startRun(entry));
    } else if (!run.slowReported) {
      run.slowReported = true;
      const runningForMs = now.getTime() - run.startedAt;
      this.deps.logger.warn({ schedule: entry.schedule.id, runningForMs }, 'previous run still going');
      this.track(
        this.say({ type: 'slow-run', schedule: entry.schedule, runningForMs }).then(() => undefined),
      );
    }
  }

  private async execute(entry: ScheduleEntry, startedAt: Date): Promise<void> {
    let result: RunResult;
    try {
      result = { ok: true, outcome: await this.deps.run(entry.schedule) };
    } catch (err) {
      result = { ok: false, ...toSafeError(err, 'schedule.run') };
      this.deps.logger.warn({ err, schedule: entry.schedule.id, code: result.code }, 'scheduled run failed');
    }
    if (!this.state.isLive(entry)) return; // removed meanwhile, or the lease lost: drop the result
    const next = afterRun(entry.schedule, entry.runtime, result, startedAt, this.newId);
    entry.runtime = next.runtime;
    await this.persist(entry); // the notice is recorded as pending before it is said
    for (const event of next.events) await this.deliver(entry, event);
  }

  /** Say `event`; once delivered, record it (the pending notice cleared, the failure streak said). */
  private async deliver(entry: ScheduleEntry, event: SchedulerEvent): Promise<void> {
    const pending = entry.runtime.incident.pendingNotice;
    const delivered = await this.say(event);
    if (!delivered || !this.state.isLive(entry)) return;
    if (event.type === 'run-failed') {
      entry.runtime = { ...entry.runtime, failedCode: event.code };
    } else if (event.type === 'incident' && pending && entry.runtime.incident.pendingNotice === pending) {
      const { pendingNotice: _delivered, ...incident } = entry.runtime.incident;
      entry.runtime = { ...entry.runtime, incident };
    } else return;
    await this.persist(entry);
  }

  private async say(event: SchedulerEvent): Promise<boolean> {
    const at = { schedule: event.schedule.id, event: event.type };
    try {
      if (await this.deps.notify(event)) return true;
      this.deps.logger.warn(at, 'notice not delivered');
    } catch (err) {
      this.deps.logger.error({ err, ...at }, 'notify failed');
    }
    return false;
  }

  private track(p: Promise<void>): void {
    this.background.add(p);
    const done = () => void this.background.delete(p);
    p.then(done, done);
  }
}
