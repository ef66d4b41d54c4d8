import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { MedicError } from '../errors.js';
import { followStore } from './followStore.js';
import type { IncidentThread } from './incidentState.js';
import { initialIncidentState, withThread } from './incidentTracker.js';
import { defaultLeaseTiming, LeaseKeeper } from './leaseKeeper.js';
import type { Schedule } from './schedule.js';
import { ScheduleEntry } from './scheduleEntry.js';
import { ScheduleFiring } from './scheduleFiring.js';
import type { SchedulerDeps, ScheduleView } from './schedulerDeps.js';
import type { ScheduleRuntime } from './scheduleStore.js';
import { syncConfigured } from './syncConfigured.js';

export type { SchedulerDeps, ScheduleView } from './schedulerDeps.js';

type Phase = 'stopped' | 'starting' | 'running' | 'stopping';

/**
 * Fires playbook runs at cron times and speaks only on change. One run per schedule at a
 * time; fire times missed while Medic was down are reported once at start-up and not
 * replayed (the next future fire time is armed; `runNow` exists for a catch-up). Of the
 * processes sharing a store, only the holder of the scheduler lease fires; the others stay on
 * standby (their chat commands write to the store, the holder picks them up) and take over
 * when the holder stops renewing.
 */
export class Scheduler {
  private entries = new Map<string, ScheduleEntry>();
  private readonly firing: ScheduleFiring;
  private readonly keeper: LeaseKeeper | undefined;
  private phase: Phase = 'stopped';
  /** Holding the lease: timers armed, results saved. */
  private active = false;
  /** Bumped by stop() and on losing the lease: older async work stops where it is. */
  private generation = 0;
  /** Bumped by every local change, so a sync with the store that raced one is skipped. */
  private mutations = 0;
  private booting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private configured: readonly Schedule[] | undefined;

  constructor(private readonly deps: SchedulerDeps) {
    this.firing = new ScheduleFiring(deps, deps.newId ?? randomUUID, {
      isLive: (entry) => this.active && this.entries.get(entry.schedule.id) === entry,
      isFiring: () => this.active && (this.phase === 'starting' || this.phase === 'running'),
      leaseCovers: (now) => !this.keeper || this.keeper.holdsAt(now),
    });
    const lease = deps.lease ?? deps.store.lease;
    this.keeper =
      lease &&
      new LeaseKeeper({
        lease,
        owner: deps.leaseOwner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        clock: deps.clock,
        timers: deps.timers,
        timing: { ...defaultLeaseTiming, ...deps.leaseTiming },
        logger: deps.logger,
        onTick: (held) => this.onLease(held),
      });
  }

  /** Started, but another process holds the lease and runs the schedules. */
  get standby(): boolean {
    return (this.phase === 'starting' || this.phase === 'running') && !this.active;
  }

  /** Take the lease (or go on standby), sync the config schedules, load all, report missed runs, arm timers. */
  async start(configured?: readonly Schedule[]): Promise<void> {
    if (this.phase !== 'stopped') return;
    this.phase = 'starting';
    this.configured = configured;
    const generation = ++this.generation;
    this.booting = this.keeper ? this.keeper.start() : this.activate(generation);
    try {
      await this.booting;
    } catch (err) {
      if (this.phase === 'starting' && this.generation === generation) this.phase = 'stopped';
      throw err;
    }
    if (this.phase === 'starting' && this.generation === generation) this.phase = 'running';
  }

  /** Clear timers, wait for runs in progress (their results are still saved and said), release the lease. */
  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    if (this.phase === 'stopping') return this.stopping;
    this.phase = 'stopping';
    this.generation++;
    this.stopping = (async () => {
      await this.keeper?.halt();
      await this.booting?.catch(() => undefined);
      for (const entry of this.entries.values()) entry.timer.cancel();
      await this.firing.settled([...this.entries.values()]);
      await this.keeper?.release();
      this.active = false;
      this.phase = 'stopped';
    })();
    return this.stopping;
  }

  /**
   * Store a new schedule and, when running, arm it. Throws `schedule.cron` for a bad or
   * never-firing expression and `schedule.exists` for an id in use, before storing anything.
   */
  async add(schedule: Schedule): Promise<void> {
    const next = this.deps.nextRun(schedule.cron, schedule.timezone, this.deps.clock.now());
    if (next === null) {
      throw new MedicError(
        'schedule.cron',
        `"${schedule.cron}" never fires in ${schedule.timezone} (no such date): nothing to schedule`,
      );
    }
    if (!(await this.mutate(() => this.deps.store.insert(schedule)))) {
      throw new MedicError(
        'schedule.exists',
        `a schedule "${schedule.id}" exists already: pause, resume or remove that one`,
      );
    }
    if (this.phase === 'stopped' || this.phase === 'stopping') return;
    this.entries.get(schedule.id)?.timer.cancel();
    const entry = this.makeEntry(schedule, { incident: { ...initialIncidentState } });
    this.entries.set(schedule.id, entry);
    if (!this.active) return;
    if (schedule.paused) this.firing.clearNext(entry);
    else this.firing.armNext(entry, this.deps.clock.now());
  }

  /** True when it existed. A run in progress finishes but its result is dropped. */
  async remove(id: string): Promise<boolean> {
    this.entries.get(id)?.timer.cancel();
    this.entries.delete(id);
    return this.mutate(() => this.deps.store.remove(id));
  }

  /** Stop firing; the paused time is never reported as missed. */
  async pause(id: string): Promise<boolean> {
    const found = await this.mutate(() => this.deps.store.setPaused(id, true));
    const entry = this.entries.get(id);
    if (entry) {
      entry.schedule = { ...entry.schedule, paused: true };
      entry.timer.cancel();
      if (this.active) this.firing.clearNext(entry);
    }
    return found;
  }

  /** Fire again from the next future fire time. */
  async resume(id: string): Promise<boolean> {
    const found = await this.mutate(() => this.deps.store.setPaused(id, false));
    const entry = this.entries.get(id);
    if (entry) {
      entry.schedule = { ...entry.schedule, paused: false };
      if (this.firing.isFiring() && !entry.timer.armed) this.firing.armNext(entry, this.deps.clock.now());
    }
    return found;
  }

  list(): ScheduleView[] {
    return [...this.entries.values()]
      .map((e) => ({
        schedule: e.schedule,
        runtime: structuredClone(e.runtime),
        running: this.firing.runs.has(e.schedule.id),
      }))
      .sort((a, b) => (a.schedule.id < b.schedule.id ? -1 : 1));
  }

  /** Run now and wait for it; false (nothing started) when a run of it is already going. */
  async runNow(id: string): Promise<boolean> {
    if (this.standby) {
      const holder = this.keeper?.holder;
      throw new MedicError(
        'schedule.standby',
        `another Medic process runs the schedules${holder ? ` (${holder})` : ''}: run it from there`,
      );
    }
    if (!this.firing.isFiring())
      throw new MedicError('schedule.stopped', 'schedules are not running (Medic is stopping)');
    const entry = this.entries.get(id);
    if (!entry) throw new MedicError('schedule.unknown', `there is no schedule "${id}"`);
    if (this.firing.runs.has(id)) return false;
    await this.firing.startRun(entry);
    return true;
  }

  /** Record where the adapter posted the incident (ignored once that incident is over). */
  async setThread(scheduleId: string, thread: IncidentThread, incidentId?: string): Promise<boolean> {
    const entry = this.entries.get(scheduleId);
    if (!entry || !this.active) return false;
    const incident = entry.runtime.incident;
    if (incidentId !== undefined && incident.incidentId !== incidentId) return false;
    const next = withThread(incident, thread);
    if (next === incident) return false;
    entry.runtime = { ...entry.runtime, incident: next };
    await this.firing.persist(entry);
    return true;
  }

  /** A local change to the store: a sync with the store overlapping it is skipped. */
  private async mutate<T>(change: () => Promise<T>): Promise<T> {
    this.mutations++;
    try {
      return await change();
    } finally {
      this.mutations++;
    }
  }

  private makeEntry(schedule: Schedule, runtime: ScheduleRuntime): ScheduleEntry {
    return new ScheduleEntry(schedule, runtime, this.firing.newTimer());
  }

  private stale(generation: number): boolean {
    return generation !== this.generation;
  }

  /** After every lease attempt: take over, fall back to standby, or follow the store. */
  private async onLease(held: boolean): Promise<void> {
    if (this.phase === 'stopping' || this.phase === 'stopped') return;
    const generation = this.generation;
    if (held && !this.active) return this.activate(generation);
    if (held) return this.followStore(generation);
    if (this.active) {
      this.deps.logger.warn({ holder: this.keeper?.holder }, 'scheduler lease lost: on standby');
      this.active = false;
      this.generation++;
      for (const entry of this.entries.values()) entry.timer.cancel();
    }
    return this.loadStandby(this.generation);
  }

  /** This process runs the schedules from now on: load them fresh from the store and arm them. */
  private async activate(generation: number): Promise<void> {
    if (this.configured) await syncConfigured(this.deps.store, this.configured);
    if (this.stale(generation)) return;
    const rows = await this.deps.store.list();
    if (this.stale(generation)) return;
    // New entries: results of runs from an earlier term (or a standby's copies) are not live.
    this.entries = new Map(rows.map((r) => [r.schedule.id, this.makeEntry(r.schedule, r.runtime)]));
    this.active = true;
    if (this.keeper) this.deps.logger.info({ owner: this.keeper.owner }, 'running the schedules');
    const now = this.deps.clock.now();
    for (const entry of this.entries.values()) {
      if (!entry.schedule.paused) await this.armChecked(entry, now);
      if (this.stale(generation)) return;
    }
  }

  /** On standby: show the schedules as the store has them (`list`), arm nothing. */
  private async loadStandby(generation: number): Promise<void> {
    const rows = await this.deps.store.list();
    if (this.stale(generation) || this.active) return;
    this.entries = new Map(rows.map((r) => [r.schedule.id, this.makeEntry(r.schedule, r.runtime)]));
  }

  /** Holding the lease: apply what other processes changed in the store since the last tick. */
  private async followStore(generation: number): Promise<void> {
    const before = this.mutations;
    const rows = await this.deps.store.list();
    if (this.stale(generation) || before !== this.mutations || !this.active) return;
    await followStore(this.entries, rows, this.deps.clock.now(), {
      firing: this.firing,
      makeEntry: (s, runtime) => this.makeEntry(s, runtime),
      armChecked: (entry, now) => this.armChecked(entry, now),
      current: () => !this.stale(generation),
    });
  }

  /** Arm a schedule this process just took on, unless `check` says it cannot run. */
  private async armChecked(entry: ScheduleEntry, now: Date): Promise<void> {
    if (await this.firing.refuse(entry)) return;
    await this.firing.armAfterRestart(entry, now);
  }
}
