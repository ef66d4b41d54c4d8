import { describe, expect, it } from 'vitest';
import { cronerNextRun } from '../../../src/adapters/cron/cronerNextRun.js';
import { countMissed } from '../../../src/core/scheduler/missedRuns.js';
import type { Schedule } from '../../../src/core/scheduler/schedule.js';
import type { ScheduleStore } from '../../../src/core/scheduler/scheduleStore.js';
import { harness, schedule } from './fakes.js';

/** Start a scheduler at `at` on `store` (a "Medic process"), optionally with config schedules. */
async function boot(at: string, store?: ScheduleStore, configured?: Schedule[]) {
  const h = harness(at, store ? { store } : {});
  await h.scheduler.start(configured);
  return h;
}

describe('Scheduler missed runs', () => {
  it('reports the fire times missed while down once, does not replay them, then goes on', async () => {
    const first = await boot('2026-01-01T00:00:30.000Z');
    await first.scheduler.add(schedule());
    await first.scheduler.stop(); // next run was 00:01; Medic is down for an hour

    const second = await boot('2026-01-01T01:00:30.000Z', first.store);
    expect(second.events).toEqual([
      {
        type: 'missed',
        schedule: schedule(),
        count: 60,
        from: '2026-01-01T00:01:00.000Z',
        to: '2026-01-01T01:00:00.000Z',
        capped: false,
      },
    ]);
    await second.timers.advance(29_999);
    expect(second.runs).toEqual([]);
    await second.timers.advance(1);
    expect(second.runs).toEqual(['2026-01-01T01:01:00.000Z']);
    await second.scheduler.stop();

    const third = await boot('2026-01-01T01:01:40.000Z', first.store);
    expect(third.events).toEqual([]);
  });

  it('does not report the same gap twice when Medic restarts again before the next fire time', async () => {
    const first = await boot('2026-01-01T00:00:30.000Z');
    await first.scheduler.add(schedule({ cron: '0 3 * * *', timezone: 'Europe/Berlin' }));
    await first.scheduler.stop();

    const second = await boot('2026-01-04T09:00:00.000Z', first.store);
    expect(second.events).toMatchObject([
      { type: 'missed', count: 4, from: '2026-01-01T02:00:00.000Z', to: '2026-01-04T02:00:00.000Z' },
    ]);
    await second.scheduler.stop();
    const third = await boot('2026-01-04T10:00:00.000Z', first.store);
    expect(third.events).toEqual([]);
    expect(third.scheduler.list()[0]?.runtime.nextRunAt).toBe('2026-01-05T02:00:00.000Z');
    await third.timers.advanceTo('2026-01-05T02:00:00.000Z');
    expect(third.runs).toEqual(['2026-01-05T02:00:00.000Z']);
  });

  it('runs a fire time that is late by less than the grace period, without a missed event', async () => {
    const first = await boot('2026-01-01T00:00:30.000Z');
    await first.scheduler.add(schedule());
    await first.scheduler.stop();

    const second = await boot('2026-01-01T00:01:45.000Z', first.store);
    await second.timers.advance(0);
    expect(second.runs).toEqual(['2026-01-01T00:01:45.000Z']);
    expect(second.events).toEqual([]);
    await second.timers.advance(15_000);
    expect(second.runs).toEqual(['2026-01-01T00:01:45.000Z', '2026-01-01T00:02:00.000Z']);
  });

  it('honours a schedule’s own grace period', async () => {
    const first = await boot('2026-01-01T00:00:30.000Z');
    await first.scheduler.add(schedule({ missedGraceSeconds: 0 }));
    await first.scheduler.stop();
    const second = await boot('2026-01-01T00:01:01.000Z', first.store);
    expect(second.events).toMatchObject([{ type: 'missed', count: 1 }]);
    expect(second.runs).toEqual([]);
  });

  it('never reports the time a schedule was paused', async () => {
    const first = await boot('2026-01-01T00:00:30.000Z');
    await first.scheduler.add(schedule());
    await first.scheduler.pause('shop-health');
    await first.scheduler.stop();

    const second = await boot('2026-01-01T05:00:00.000Z', first.store);
    expect(second.timers.pending).toBe(0);
    await second.scheduler.resume('shop-health');
    await second.timers.advance(60_000);
    expect(second.events).toEqual([]);
    expect(second.runs).toEqual(['2026-01-01T05:01:00.000Z']);
  });

  it('forgets the old fire time when medic.yaml changed the cron while down', async () => {
    const cfg = schedule({ source: 'config', cron: '0 * * * *' });
    const first = await boot('2026-01-01T00:30:00.000Z', undefined, [cfg]);
    await first.scheduler.stop();
    const second = await boot('2026-01-01T05:00:30.000Z', first.store, [{ ...cfg, cron: '*/15 * * * *' }]);
    expect(second.events).toEqual([]);
    expect(second.scheduler.list()[0]?.runtime.nextRunAt).toBe('2026-01-01T05:15:00.000Z');
  });
});

describe('countMissed', () => {
  const s = { cron: '* * * * *', timezone: 'UTC' };
  it('counts fire times from the first missed one up to now, inclusive', () => {
    const m = countMissed(
      cronerNextRun,
      s,
      new Date('2026-01-01T00:01:00Z'),
      new Date('2026-01-01T00:03:00Z'),
    );
    expect(m).toEqual({
      count: 3,
      from: new Date('2026-01-01T00:01:00Z'),
      to: new Date('2026-01-01T00:03:00Z'),
      capped: false,
    });
  });

  it('stops at the cap and says so', () => {
    const m = countMissed(
      cronerNextRun,
      s,
      new Date('2026-01-01T00:01:00Z'),
      new Date('2026-01-02T00:00:00Z'),
      5,
    );
    expect(m).toMatchObject({ count: 5, to: new Date('2026-01-01T00:05:00Z'), capped: true });
  });
});
