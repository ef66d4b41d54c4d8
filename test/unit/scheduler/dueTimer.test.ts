import { describe, expect, it } from 'vitest';
import { DueTimer } from '../../../src/core/scheduler/dueTimer.js';
import { maxTimerDelayMs } from '../../../src/core/scheduler/timers.js';
import { FakeTimers } from './fakes.js';

describe('DueTimer', () => {
  it('fires once at the due time, even 60 days out, in chunks setTimeout accepts', async () => {
    const t = new FakeTimers('2026-01-01T00:00:00.000Z');
    const fired: string[] = [];
    const timer = new DueTimer(t, t);
    timer.arm(new Date('2026-03-02T00:00:00.000Z'), (now) => fired.push(now.toISOString()));
    expect(t.delays).toEqual([maxTimerDelayMs]);
    await t.advanceTo('2026-03-01T23:59:59.999Z');
    expect(fired).toEqual([]);
    expect(timer.armed).toBe(true);
    await t.advanceTo('2026-03-10T00:00:00.000Z');
    expect(fired).toEqual(['2026-03-02T00:00:00.000Z']);
    expect(t.delays).toHaveLength(3);
    expect(timer.armed).toBe(false);
  });

  it('waits again when the timer fires before the clock says it is due', async () => {
    const t = new FakeTimers('2026-01-01T00:00:00.000Z');
    const fired: string[] = [];
    new DueTimer(t, t).arm(new Date('2026-01-01T00:01:00.000Z'), (now) => fired.push(now.toISOString()));
    t.clockSkewMs = -250;
    await t.advance(60_000);
    expect(fired).toEqual([]);
    expect(t.delays).toEqual([60_000, 250]);
    await t.advance(250);
    expect(fired).toEqual(['2026-01-01T00:01:00.000Z']);
  });

  it('fires at once for a time already past, and never after cancel or re-arm', async () => {
    const t = new FakeTimers('2026-01-01T00:00:00.000Z');
    const fired: string[] = [];
    const timer = new DueTimer(t, t);
    timer.arm(new Date('2025-12-31T00:00:00.000Z'), () => fired.push('past'));
    await t.advance(0);
    timer.arm(new Date('2026-01-01T00:00:10.000Z'), () => fired.push('first'));
    timer.arm(new Date('2026-01-01T00:00:20.000Z'), () => fired.push('second'));
    await t.advance(15_000);
    timer.cancel();
    await t.advance(60_000);
    expect(fired).toEqual(['past']);
    expect(t.pending).toBe(0);
  });
});
