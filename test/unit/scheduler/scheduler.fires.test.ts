import { describe, expect, it } from 'vitest';
import { maxTimerDelayMs } from '../../../src/core/scheduler/timers.js';
import { harness, schedule } from './fakes.js';

describe('Scheduler firing', () => {
  it('runs at each cron time and nowhere in between', async () => {
    const h = harness('2026-01-01T00:02:00.000Z');
    await h.scheduler.add(schedule({ cron: '*/5 * * * *' }));
    await h.scheduler.start();
    await h.timers.advance(3 * 60_000 - 1);
    expect(h.runs).toEqual([]);
    await h.timers.advanceTo('2026-01-01T00:16:00.000Z');
    expect(h.runs).toEqual([
      '2026-01-01T00:05:00.000Z',
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:15:00.000Z',
    ]);
  });

  it('handles 6-field expressions and time zones', async () => {
    const h = harness('2026-01-01T00:00:00.000Z');
    await h.scheduler.add(schedule({ id: 'fast', cron: '*/20 * * * * *' }));
    await h.scheduler.add(schedule({ id: 'night', cron: '0 3 * * *', timezone: 'Europe/Berlin' }));
    await h.scheduler.start();
    await h.timers.advanceTo('2026-01-01T00:01:00.000Z');
    expect(h.runs).toEqual([
      '2026-01-01T00:00:20.000Z',
      '2026-01-01T00:00:40.000Z',
      '2026-01-01T00:01:00.000Z',
    ]);
    await h.scheduler.remove('fast');
    await h.timers.advanceTo('2026-01-02T00:00:00.000Z');
    expect(h.runs.slice(3)).toEqual(['2026-01-01T02:00:00.000Z']);
  });

  it('waits longer than setTimeout allows in chunks, and fires on time', async () => {
    const h = harness('2026-01-02T00:00:00.000Z');
    await h.scheduler.add(schedule({ id: 'yearly', cron: '0 0 1 1 *' }));
    await h.scheduler.start();
    expect(h.scheduler.list()[0]?.runtime.nextRunAt).toBe('2027-01-01T00:00:00.000Z');
    await h.timers.advanceTo('2026-12-31T23:59:59.999Z');
    expect(h.runs).toEqual([]);
    await h.timers.advanceTo('2027-01-01T00:00:01.000Z');
    expect(h.runs).toEqual(['2027-01-01T00:00:00.000Z']);
    expect(Math.max(...h.timers.delays)).toBeLessThanOrEqual(maxTimerDelayMs);
    expect(h.timers.delays.length).toBeGreaterThan(13); // ~365 days / 24.8
  });

  it('re-arms when a timer fires early by the clock, and runs once when due', async () => {
    const h = harness('2026-01-01T00:00:30.000Z');
    h.timers.clockSkewMs = -700; // the clock lags the timers
    await h.scheduler.add(schedule());
    await h.scheduler.start();
    await h.timers.advance(30_000);
    expect(h.runs).toEqual([]);
    expect(h.timers.pending).toBe(1);
    await h.timers.advance(700);
    expect(h.runs).toEqual(['2026-01-01T00:01:00.000Z']);
    await h.timers.advance(60_000);
    expect(h.runs).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z']);
  });

  it('does not replay fire times skipped by a clock jump', async () => {
    const h = harness('2026-01-01T00:00:30.000Z');
    await h.scheduler.add(schedule());
    await h.scheduler.start();
    h.timers.clockSkewMs = 10 * 60_000; // the machine slept; the clock leapt ten minutes
    await h.timers.advance(30_000);
    expect(h.runs).toEqual(['2026-01-01T00:11:00.000Z']);
    expect(h.scheduler.list()[0]?.runtime.nextRunAt).toBe('2026-01-01T00:12:00.000Z');
    expect(h.timers.pending).toBe(1);
  });

  it('persists lastRunAt and nextRunAt through the store', async () => {
    const h = harness('2026-01-01T00:00:30.000Z');
    await h.scheduler.add(schedule());
    await h.scheduler.start();
    expect((await h.store.list())[0]?.runtime.nextRunAt).toBe('2026-01-01T00:01:00.000Z');
    await h.timers.advance(40_000);
    const [row] = await h.store.list();
    expect(row?.runtime).toMatchObject({
      lastRunAt: '2026-01-01T00:01:00.000Z',
      nextRunAt: '2026-01-01T00:02:00.000Z',
      incident: { status: 'healthy' },
    });
  });

  it('stops firing after stop()', async () => {
    const h = harness('2026-01-01T00:00:30.000Z');
    await h.scheduler.add(schedule());
    await h.scheduler.start();
    await h.scheduler.stop();
    expect(h.timers.pending).toBe(0);
    await h.timers.advance(5 * 60_000);
    expect(h.runs).toEqual([]);
  });
});
