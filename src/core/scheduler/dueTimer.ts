import type { Clock } from '../ports.js';
import { maxTimerDelayMs, type Timers } from './timers.js';

/**
 * Calls `onDue(now)` once the clock reaches `due`. Waits longer than setTimeout allows are
 * armed in chunks, and a timer that fires early by the clock (drift) is re-armed.
 */
export class DueTimer {
  private handle: unknown;
  private generation = 0;
  private pending = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
  ) {}

  get armed(): boolean {
    return this.pending;
  }

  arm(due: Date, onDue: (now: Date) => void): void {
    this.cancel();
    const generation = this.generation;
    const wait = () => {
      const ms = due.getTime() - this.clock.now().getTime();
      this.handle = this.timers.setTimeout(tick, Math.min(Math.max(ms, 0), maxTimerDelayMs));
    };
    const tick = () => {
      if (generation !== this.generation) return;
      const now = this.clock.now();
      if (now.getTime() < due.getTime()) return wait();
      this.pending = false;
      onDue(now);
    };
    this.pending = true;
    wait();
  }

  cancel(): void {
    if (this.pending) this.timers.clearTimeout(this.handle);
    this.pending = false;
    this.generation++;
  }
}
