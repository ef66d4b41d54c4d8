import { describe, expect, it } from 'vitest';
import { MedicError } from '../../../src/core/errors.js';
import type { RunOutcome } from '../../../src/core/scheduler/incidentTracker.js';
import { deferred, down, harness, healthy, schedule } from './fakes.js';

describe('Scheduler lifecycle', () => {
  it('pause stops firing, resume starts again from the next future time, remove forgets', async () => {
    const h = harness('2026-01-01T00:00:30.000Z');
    await h.scheduler.start();
    await h.scheduler.add(schedule());
    await h.timers.advance(60_000);
    expect(await h.scheduler.pause('shop-health')).toBe(true);
    expect((await h.store.list())[0]?.schedule.paused).toBe(true);
    expect((await h.store.list())[0]?.runtime.nextRunAt).toBeUndefined();
    await h.timers.advance(10 * 60_000);
    expect(h.runs).toEqual(['2026-01-01T00:01:00.000Z']);

    expect(await h.scheduler.resume('shop-health')).toBe(true);
    await h.timers.advance(60_000);
    expect(h.runs).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:12:00.000Z']);

    expect(await h.scheduler.remove('shop-health')).toBe(true);
    expect(await h.scheduler.remove('shop-health')).toBe(false);
    expect(await h.store.list()).toEqual([]);
    expect(h.scheduler.list()).toEqual([]);
    await h.timers.advance(10 * 60_000);
    expect(h.runs).toHaveLength(2);
    expect(await h.scheduler.pause('shop-health')).toBe(false);
  });

  it('add replaces a schedule of the same id, keeping its incident', async () => {
    const h = harness('2026-01-01T00:00:30.000Z', { run: async () => down('r1', 'fpm') });
    await h.scheduler.start();
    await h.scheduler.add(schedule());
    await h.timers.advance(60_000);
    await h.scheduler.add(schedule({ cron: '0 * * * *' }));
    const [view] = h.scheduler.list();
    expect(view?.schedule.cron).toBe('0 * * * *');
    expect(view?.runtime).toMatchObject({
      nextRunAt: '2026-01-01T01:00:00.000Z',
      incident: { status: 'failing' },
    });
    expect(h.timers.pending).toBe(1);
  });

  it('rejects a bad cron before storing anything', async () => {
    const h = harness('2026-01-01T00:00:30.000Z');
    await h.scheduler.start();
    await expect(h.scheduler.add(schedule({ cron: 'every minute' }))).rejects.toMatchObject({
      code: 'schedule.cron',
    });
    expect(await h.store.list()).toEqual([]);
    await expect(h.scheduler.runNow('nope')).rejects.toBeInstanceOf(MedicError);
  });

  it('a run that throws gives run-failed once per streak, and the schedule keeps going', async () => {
    const plan: Array<() => RunOutcome> = [
      () => {
        throw new MedicError('transport.refused', 'web1 refused the connection');
      },
      () => {
        throw new MedicError('transport.refused', 'web1 refused the connection');
      },
      () => {
        throw new Error('boom with secrets');
      },
      () => healthy('r4'),
      () => {
        throw new MedicError('transport.refused', 'web1 refused the connection');
      },
    ];
    let i = 0;
    const h = harness('2026-01-01T00:00:30.000Z', {
      run: async () => (plan[i++] ?? (() => healthy('rx')))(),
    });
    await h.scheduler.start();
    await h.scheduler.add(schedule());
    await h.timers.advance(6 * 60_000);
    expect(i).toBe(6);
    expect(h.events).toEqual([
      {
        type: 'run-failed',
        schedule: schedule(),
        code: 'transport.refused',
        message: 'web1 refused the connection',
      },
      {
        type: 'run-failed',
        schedule: schedule(),
        code: 'schedule.run',
        message: 'unexpected internal error (details in the log)',
      },
      {
        type: 'run-failed',
        schedule: schedule(),
        code: 'transport.refused',
        message: 'web1 refused the connection',
      },
    ]);
    expect(h.scheduler.list()[0]?.runtime.lastRunAt).toBe('2026-01-01T00:06:00.000Z');
  });

  it('a failing notify is logged and does not stop the schedule', async () => {
    let runs = 0;
    const h = harness('2026-01-01T00:00:30.000Z', {
      run: async () => down(`r${++runs}`, runs % 2 ? 'a' : 'b'),
      notify: async () => {
        throw new Error('slack down');
      },
    });
    await h.scheduler.start();
    await h.scheduler.add(schedule());
    await h.timers.advance(3 * 60_000);
    expect(runs).toBe(3);
    expect((await h.store.list())[0]?.runtime.incident).toMatchObject({ status: 'failing', topCause: 'a' });
  });

  it('drops the result of a run whose schedule was removed meanwhile', async () => {
    const d = deferred<RunOutcome>();
    const h = harness('2026-01-01T00:00:30.000Z', { run: () => d.promise });
    await h.scheduler.start();
    await h.scheduler.add(schedule());
    await h.timers.advance(30_000);
    await h.scheduler.remove('shop-health');
    d.resolve(down('r1', 'fpm'));
    await h.timers.advance(1);
    expect(h.events).toEqual([]);
    expect(await h.store.list()).toEqual([]);
  });

  it('syncs config schedules at start: runtime, pause and createdAt kept; stale ones removed', async () => {
    const cfg = schedule({ id: 'cfg', source: 'config', createdAt: '2026-01-01T00:00:00.000Z' });
    const first = harness('2026-01-01T00:00:30.000Z', { run: async () => down('r1', 'fpm') });
    await first.scheduler.start([cfg, schedule({ id: 'old', source: 'config' })]);
    await first.scheduler.add(schedule({ id: 'chat' }));
    await first.timers.advance(60_000);
    await first.scheduler.pause('cfg');
    await first.scheduler.stop();

    const second = harness('2026-01-01T00:01:40.000Z', { store: first.store });
    await second.scheduler.start([{ ...cfg, channel: 'C999', createdAt: '2026-02-02T00:00:00.000Z' }]);
    const rows = await second.store.list();
    expect(rows.map((r) => r.schedule.id)).toEqual(['cfg', 'chat']);
    expect(rows[0]?.schedule).toMatchObject({ channel: 'C999', paused: true, createdAt: cfg.createdAt });
    expect(rows[0]?.runtime.incident).toMatchObject({ status: 'failing', topCause: 'fpm' });
    expect(second.scheduler.list().map((v) => v.schedule.id)).toEqual(['cfg', 'chat']);
  });

  it('reports a stored schedule whose time zone is no longer valid, and runs the others', async () => {
    const h = harness('2026-01-01T00:00:30.000Z');
    await h.store.upsert(schedule({ id: 'bad', timezone: 'Gone/Zone' }));
    await h.store.upsert(schedule({ id: 'good' }));
    await h.scheduler.start();
    await h.timers.advance(30_000);
    expect(h.events).toMatchObject([{ type: 'run-failed', code: 'schedule.cron', schedule: { id: 'bad' } }]);
    expect(h.runs).toEqual(['2026-01-01T00:01:00.000Z']);
  });
});
