import type { Clock, Logger } from '../ports.js';
import type { SchedulerLease } from './schedulerLease.js';
import type { Timers } from './timers.js';

export interface LeaseTiming {
  /** How long a taken or renewed lease lasts: a holder that died is replaced after at most this. */
  ttlMs: number;
  /** How often the holder renews, and a standby process tries to take over. */
  renewMs: number;
}

export const defaultLeaseTiming: LeaseTiming = { ttlMs: 60_000, renewMs: 15_000 };

/**
 * Takes the scheduler lease, renews it every `renewMs` (or, on standby, tries to take it), and
 * tells the owner after each attempt whether it holds it. An attempt that throws (the store
 * is busy or gone) counts as not held: running schedules without knowing is how two processes
 * would run them both.
 */
export class LeaseKeeper {
  private handle: unknown;
  private armed = false;
  private live = false;
  private ticking: Promise<void> = Promise.resolve();
  /** Until when the last successful renewal covers us (ms; 0 when not held). */
  private validUntil = 0;
  /** Who held the lease at the last attempt. */
  holder: string | undefined;

  constructor(
    private readonly o: {
      lease: SchedulerLease;
      owner: string;
      clock: Clock;
      timers: Timers;
      timing: LeaseTiming;
      logger: Logger;
      /** After every attempt; awaited before the next one is armed. */
      onTick: (held: boolean) => Promise<void>;
    },
  ) {}

  get owner(): string {
    return this.o.owner;
  }

  /** True while the last renewal still covers `now` (a stalled process must not fire on). */
  holdsAt(now: Date): boolean {
    return now.getTime() < this.validUntil;
  }

  /** First attempt (awaited, its onTick included), then one every `renewMs`. */
  start(): Promise<void> {
    this.live = true;
    return this.tick();
  }

  /** No more attempts; waits for one in progress. The lease stays held until `release`. */
  async halt(): Promise<void> {
    this.live = false;
    if (this.armed) this.o.timers.clearTimeout(this.handle);
    this.armed = false;
    await this.ticking;
  }

  /** Give the lease up (a no-op when another process holds it). */
  async release(): Promise<void> {
    this.validUntil = 0;
    try {
      await this.o.lease.release(this.o.owner);
    } catch (err) {
      this.o.logger.error({ err }, 'cannot release the scheduler lease');
    }
  }

  private tick(): Promise<void> {
    this.armed = false;
    this.ticking = this.attempt().finally(() => this.arm());
    return this.ticking;
  }

  private async attempt(): Promise<void> {
    const { lease, owner, clock, timing, logger } = this.o;
    const now = clock.now();
    let held = false;
    try {
      const r = await lease.acquire(owner, now, timing.ttlMs);
      held = r.held;
      this.holder = r.holder;
    } catch (err) {
      logger.error({ err }, 'cannot take or renew the scheduler lease');
    }
    this.validUntil = held ? now.getTime() + timing.ttlMs : 0;
    if (!this.live) return;
    try {
      await this.o.onTick(held);
    } catch (err) {
      logger.error({ err }, 'scheduler lease change failed');
    }
  }

  private arm(): void {
    if (!this.live) return;
    this.armed = true;
    this.handle = this.o.timers.setTimeout(() => void this.tick(), this.o.timing.renewMs);
  }
}
