import { randomUUID } from 'node:crypto';
import { MedicError, toSafeError } from '../errors.js';
import type { Clock, Logger } from '../ports.js';
import { afterRun, type RunResult } from './afterRun.js';
import type { NextRun } from './cronSpec.js';
import { DueTimer } from './dueTimer.js';
import type { SchedulerEvent } from './events.js';
import { type IncidentThread, initialIncidentState, type RunOutcome, withThread } from './incidentTracker.js';
import { countMissed, type MissedRuns, missedEvent, planRestart } from './missedRuns.js';
import { defaultMissedGraceSeconds, type Schedule } from './schedule.js';
import { ScheduleEntry } from './scheduleEntry.js';
import type { ScheduleRuntime, ScheduleStore } from './scheduleStore.js';
import { syncConfigured } from './syncConfigured.js';
import type { Timers } from './timers.js';

export interface SchedulerDeps {
  clock: Clock;
  timers: Timers;
  nextRun: NextRun;
  store: ScheduleStore;
  /** Runs the schedule's playbook (the adapter saves the report with trigger 'schedule'). */
  run: (s: Schedule) => Promise<RunOutcome>;
  /** Must not throw for long; a rejection is logged and ignored. */
  notify: (event: SchedulerEvent) => Promise<void>;
  logger: Logger;
  newId?: () => string;
}

export interface ScheduleView {
  schedule: Schedule;
  runtime: ScheduleRuntime;
  running: boolean;
}

/**
 * Fires playbook runs at cron times and speaks only on change. One run per schedule at a
 * time; fire times missed while Medic was down are reported once at start-up and not
 * replayed (the next future fire time is armed; `runNow` exists for a catch-up).
 */
export class Scheduler {
  private readonly entries = new Map<string, ScheduleEntry>();
  private readonly background = new Set<Promise<void>>();
  private started = false;
  private readonly newId: () => string;

  constructor(private readonly deps: SchedulerDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  /** Sync the config-declared schedules (if given), load all, report missed runs, arm timers. */
  async start(configured?: readonly Schedule[]): Promise<void> {
    if (this.started) return;
    if (configured) await syncConfigured(this.deps.store, configured);
    this.entries.clear();
    for (const row of await this.deps.store.list()) {
      this.entries.set(row.schedule.id, this.makeEntry(row.schedule, row.runtime));
    }
    this.started = true;
    const now = this.deps.clock.now();
    for (const entry of this.entries.values()) {
      if (!entry.schedule.paused) await this.armAfterRestart(entry, now);
    }
  }

  /** Clear timers, then wait for runs in progress (their results are still saved and said). */
  async stop(): Promise<void> {
    this.started = false;
    for (const entry of this.entries.values()) entry.timer.cancel();
    await Promise.all([...this.entries.values()].map((e) => e.settled()));
    await Promise.allSettled([...this.background]);
  }

  /** Insert or replace (same id keeps its incident state). Throws `schedule.cron` before storing a bad one. */
  async add(schedule: Schedule): Promise<void> {
    this.deps.nextRun(schedule.cron, schedule.timezone, this.deps.clock.now());
    await this.deps.store.upsert(schedule);
    if (!this.started) return;
    let entry = this.entries.get(schedule.id);
    if (entry) entry.schedule = schedule;
    else {
      entry = this.makeEntry(schedule, { incident: { ...initialIncidentState } });
      this.entries.set(schedule.id, entry);
    }
    entry.timer.cancel();
    if (schedule.paused) this.clearNext(entry);
    else this.armNext(entry, this.deps.clock.now());
  }

  /** True when it existed. A run in progress finishes but its result is dropped. */
  async remove(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (entry) entry.timer.cancel();
    this.entries.delete(id);
    return this.deps.store.remove(id);
  }

  /** Stop firing; the paused time is never reported as missed. */
  async pause(id: string): Promise<boolean> {
    const found = await this.deps.store.setPaused(id, true);
    const entry = this.entries.get(id);
    if (entry) {
      entry.schedule = { ...entry.schedule, paused: true };
      entry.timer.cancel();
      this.clearNext(entry);
    }
    return found;
  }

  /** Fire again from the next future fire time. */
  async resume(id: string): Promise<boolean> {
    const found = await this.deps.store.setPaused(id, false);
    const entry = this.entries.get(id);
    if (entry) {
      entry.schedule = { ...entry.schedule, paused: false };
      if (this.started && !entry.timer.armed) this.armNext(entry, this.deps.clock.now());
    }
    return found;
  }

  list(): ScheduleView[] {
    return [...this.entries.values()]
      .map((e) => ({ schedule: e.schedule, runtime: structuredClone(e.runtime), running: !!e.running }))
      .sort((a, b) => (a.schedule.id < b.schedule.id ? -1 : 1));
  }

  /** Run now and wait for it; false (nothing started) when a run of it is already going. */
  async runNow(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) throw new MedicError('schedule.unknown', `there is no schedule "${id}"`);
    if (entry.running) return false;
    await this.startRun(entry);
    return true;
  }

  /** Record where the adapter posted the incident (ignored once that incident is over). */
  async setThread(scheduleId: string, thread: IncidentThread, incidentId?: string): Promise<boolean> {
    const entry = this.entries.get(scheduleId);
    if (!entry) return false;
    const incident = entry.runtime.incident;
    if (incidentId !== undefined && incident.incidentId !== incidentId) return false;
    const next = withThread(incident, thread);
    if (next === incident) return false;
    entry.runtime = { ...entry.runtime, incident: next };
    await this.persist(entry);
    return true;
  }

  private makeEntry(schedule: Schedule, runtime: ScheduleRuntime): ScheduleEntry {
    return new ScheduleEntry(schedule, runtime, new DueTimer(this.deps.clock, this.deps.timers));
  }

  private async armAfterRestart(entry: ScheduleEntry, now: Date): Promise<void> {
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
  private armNext(entry: ScheduleEntry, after: Date): void {
    let next: Date | null;
    try {
      next = this.deps.nextRun(entry.schedule.cron, entry.schedule.timezone, after);
    } catch (err) {
      next = null;
      this.deps.logger.error({ err, schedule: entry.schedule.id }, 'cannot compute the next run');
      const safe = toSafeError(err, 'schedule.cron');
      this.track(this.say({ type: 'run-failed', schedule: entry.schedule, ...safe }));
    }
    if (!next) {
      this.clearNext(entry);
      return;
    }
    entry.runtime = { ...entry.runtime, nextRunAt: next.toISOString() };
    this.track(this.persist(entry));
    this.armAt(entry, next);
  }

  private armAt(entry: ScheduleEntry, due: Date): void {
    entry.timer.arm(due, (now) => this.onDue(entry, now));
  }

  private onDue(entry: ScheduleEntry, now: Date): void {
    if (!this.started || !this.isLive(entry)) return;
    this.armNext(entry, now); // from now: fire times skipped by a clock jump are not replayed
    if (!entry.running) {
      this.track(this.startRun(entry));
    } else if (!entry.slowReported) {
      entry.slowReported = true;
      const runningForMs = now.getTime() - entry.runStartedAt;
      this.deps.logger.warn({ schedule: entry.schedule.id, runningForMs }, 'previous run still going');
      this.track(this.say({ type: 'slow-run', schedule: entry.schedule, runningForMs }));
    }
  }

  private startRun(entry: ScheduleEntry): Promise<void> {
    const startedAt = this.deps.clock.now();
    entry.runStartedAt = startedAt.getTime();
    entry.slowReported = false;
    const p = this.execute(entry, startedAt).finally(() => {
      if (entry.running === p) entry.running = undefined;
    });
    entry.running = p;
    return p;
  }

  private async execute(entry: ScheduleEntry, startedAt: Date): Promise<void> {
    let result: RunResult;
    try {
      result = { ok: true, outcome: await this.deps.run(entry.schedule) };
    } catch (err) {
      result = { ok: false, ...toSafeError(err, 'schedule.run') };
      this.deps.logger.warn({ err, schedule: entry.schedule.id, code: result.code }, 'scheduled run failed');
    }
    if (!this.isLive(entry)) return; // removed meanwhile: drop the result
    const next = afterRun(entry.schedule, entry, result, startedAt, this.deps.clock.now(), this.newId);
    entry.runtime = next.runtime;
    entry.failedCode = next.failedCode;
    await this.persist(entry);
    if (next.event) await this.say(next.event);
  }

  private isLive(entry: ScheduleEntry): boolean {
    return this.entries.get(entry.schedule.id) === entry;
  }

  private clearNext(entry: ScheduleEntry): void {
    entry.dropNextRun();
    this.track(this.persist(entry));
  }

  private persist(entry: ScheduleEntry): Promise<void> {
    return entry.persist(this.deps.store, this.deps.logger);
  }

  private async say(event: SchedulerEvent): Promise<void> {
    try {
      await this.deps.notify(event);
    } catch (err) {
      this.deps.logger.error({ err, schedule: event.schedule.id, event: event.type }, 'notify failed');
    }
  }

  private track(p: Promise<void>): void {
    this.background.add(p);
    const done = () => void this.background.delete(p);
    p.then(done, done);
  }
}
