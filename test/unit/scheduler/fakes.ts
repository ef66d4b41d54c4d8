import { cronerNextRun } from '../../../src/adapters/cron/cronerNextRun.js';
import type { Clock } from '../../../src/core/ports.js';
import { silentLogger } from '../../../src/core/ports.js';
import type { SchedulerEvent } from '../../../src/core/scheduler/events.js';
import type { RunOutcome } from '../../../src/core/scheduler/incidentTracker.js';
import { MemoryScheduleStore } from '../../../src/core/scheduler/memoryScheduleStore.js';
import type { Schedule } from '../../../src/core/scheduler/schedule.js';
import { Scheduler, type SchedulerDeps } from '../../../src/core/scheduler/scheduler.js';
import type { Timers } from '../../../src/core/scheduler/timers.js';

/** Let every pending promise callback run (one macrotask turn; no time passes). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Virtual time: a clock plus timers that fire, in order, only when `advance` moves time past
 * them. `clockSkewMs` makes the clock read differently from the timers' time (drift).
 */
export class FakeTimers implements Timers, Clock {
  private t: number;
  private seq = 0;
  private queue: Array<{ id: number; at: number; fn: () => void }> = [];
  clockSkewMs = 0;
  /** Every delay ever requested, to check long waits are chunked. */
  readonly delays: number[] = [];

  constructor(start: string) {
    this.t = Date.parse(start);
  }

  now(): Date {
    return new Date(this.t + this.clockSkewMs);
  }

  setTimeout(fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    const id = ++this.seq;
    this.queue.push({ id, at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== handle);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Move time forward by `ms`, firing due timers in time order and settling promises after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await flush();
    for (;;) {
      const due = this.queue.filter((q) => q.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.queue = this.queue.filter((q) => q !== due);
      this.t = due.at;
      due.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }

  /** Advance to an ISO time. */
  async advanceTo(iso: string): Promise<void> {
    await this.advance(Date.parse(iso) - this.t);
  }
}

/** The timers of a "process" that can die: once `dead`, none of its timers fire again. */
export class MortalTimers implements Timers {
  dead = false;
  constructor(private readonly inner: FakeTimers) {}
  setTimeout(fn: () => void, ms: number): unknown {
    return this.inner.setTimeout(() => {
      if (!this.dead) fn();
    }, ms);
  }
  clearTimeout(handle: unknown): void {
    this.inner.clearTimeout(handle);
  }
}

export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function schedule(over: Partial<Schedule> = {}): Schedule {
  return {
    id: 'shop-health',
    cron: '* * * * *',
    timezone: 'UTC',
    site: 'shop',
    playbook: 'health',
    channel: 'C123',
    remindEveryMinutes: 60,
    paused: false,
    source: 'chat',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

export const healthy = (id: string, at = ''): RunOutcome => ({
  id,
  status: 'healthy',
  topCause: null,
  startedAt: at,
});
export const down = (id: string, cause: string | null, at = ''): RunOutcome => ({
  id,
  status: 'down',
  topCause: cause,
  startedAt: at,
});

/**
 * A scheduler wired to fakes; `runs` records the wall time of each run start, `events` what it
 * said (delivered), `unchanged` the failing runs it had nothing to say about.
 */
export function harness(start: string, over: Partial<SchedulerDeps> = {}, timers = new FakeTimers(start)) {
  const store = over.store ?? new MemoryScheduleStore();
  const events: SchedulerEvent[] = [];
  const unchanged: SchedulerEvent[] = [];
  const runs: string[] = [];
  let n = 0;
  const deps: SchedulerDeps = {
    clock: timers,
    timers,
    nextRun: cronerNextRun,
    store,
    run: async (s) => {
      runs.push(timers.now().toISOString());
      return healthy(`r${++n}-${s.id}`, timers.now().toISOString());
    },
    notify: async (e) => {
      (e.type === 'unchanged' ? unchanged : events).push(e);
      return true;
    },
    logger: silentLogger,
    newId: () => `inc-${++n}`,
    ...over,
  };
  return { timers, store, events, unchanged, runs, deps, scheduler: new Scheduler(deps) };
}
