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

  it('add refuses an id that exists (chat or medic.yaml), leaving it as it was', async () => {
    const h = harness('2026-01-01T00:00:30.000Z', { run: async () => down('r1', 'fpm') });
    await h.scheduler.start([schedule({ id: 'cfg', source: 'config', remindEveryMinutes: 5 })]);
    await h.scheduler.add(schedule());
    await h.scheduler.pause('cfg');
    await h.timers.advance(60_000);
    await expect(h.scheduler.add(schedule({ cron: '0 * * * *' }))).rejects.toMatchObject({
      code: 'schedule.exists',
    });
    await expect(h.scheduler.add(schedule({ id: 'cfg', source: 'chat' }))).rejects.toMatchObject({
      code: 'schedule.exists',
    });
    const [cfg, chat] = h.scheduler.list();
    expect(cfg?.schedule).toMatchObject({ source: 'config', paused: true, remindEveryMinutes: 5 });
    expect(chat?.schedule.cron).toBe('* * * * *');
    expect(chat?.runtime).toMatchObject({
      nextRunAt: '2026-01-01T00:02:00.000Z',
      incident: { status: 'failing' },
    });
    expect((await h.store.list()).map((r) => [r.schedule.id, r.schedule.source, r.schedule.paused])).toEqual([
      ['cfg', 'config', true],
      ['shop-health', 'chat', false],
    ]);
    expect(h.timers.pending).toBe(1);
  });

  it('add refuses a cron that never fires', async () => {
    const h = harness('2026-01-01T00:00:30.000Z');
    await h.scheduler.start();
    await expect(h.scheduler.add(schedule({ cron: '0 0 30 2 *' }))).rejects.toMatchObject({
      code: 'schedule.cron',
      userMessage: expect.stringContaining('never fires'),
    });
    expect(await h.store.list()).toEqual([]);
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

  it('keeps the failure streak across a restart: a run error said once is not said again', async () => {
    let attempts = 0;
    const refused = async (): Promise<RunOutcome> => {
      attempts++;
      throw new MedicError('transport.refused', 'web1 refused the connection');
    };
    const first = harness('2026-01-01T00:00:30.000Z', { run: refused });
    await first.scheduler.start();
    await first.scheduler.add(schedule());
    await first.timers.advance(60_000);
    await first.scheduler.stop();
    expect(first.events).toMatchObject([{ type: 'run-failed', code: 'transport.refused' }]);
    expect((await first.store.list())[0]?.runtime.failedCode).toBe('transport.refused');

    const second = harness('2026-01-01T00:01:30.000Z', { store: first.store, run: refused });
    await second.scheduler.start();
    await second.timers.advance(3 * 60_000);
    expect(attempts).toBe(4);
    expect(second.events).toEqual([]);
  });

  it('a failing notify does not stop the schedule, and the undelivered notice is retried after the next run', async () => {
    let runs = 0;
    let slackUp = false;
    const said: string[] = [];
    const h = harness('2026-01-01T00:00:30.000Z', {
      run: async () => down(`r${++runs}`, runs % 2 ? 'a' : 'b'),
      notify: async (e) => {
        if (e.type === 'unchanged') return true;
        if (!slackUp) throw new Error('slack down');
        said.push(e.type === 'incident' ? `${e.notify}:${e.reportId}` : e.type);
        return true;
      },
    });
    await h.scheduler.start();
    await h.scheduler.add(schedule());
    await h.timers.advance(3 * 60_000);
    expect(runs).toBe(3);
    expect(said).toEqual([]);
    const [row] = await h.store.list();
    expect(row?.runtime.incident).toMatchObject({
      status: 'failing',
      topCause: 'a',
      announced: ['a', 'b'],
      pendingNotice: { notify: 'opened', reportId: 'r3' },
    });
    slackUp = true;
    await h.timers.advance(60_000);
    // Said once, with the newest report; 'b' (announced while undelivered) is in that report's incident.
    expect(said).toEqual(['opened:r4']);
    expect((await h.store.list())[0]?.runtime.incident.pendingNotice).toBeUndefined();
    await h.timers.advance(2 * 60_000);
    expect(said).toEqual(['opened:r4']);
  });

  it('notify resolving false counts as undelivered, and recovery supersedes the unsaid opening', async () => {
    let status: 'down' | 'healthy' = 'down';
    let deliver = false;
    let n = 0;
    const said: string[] = [];
    const h = harness('2026-01-01T00:00:30.000Z', {
      run: async () => (status === 'down' ? down(`d${++n}`, 'fpm') : healthy(`h${++n}`)),
      notify: async (e) => {
        if (e.type === 'incident' && deliver) said.push(`${e.notify}:${e.state.incidentId}`);
        return deliver;
      },
    });
    await h.scheduler.start();
    await h.scheduler.add(schedule());
    await h.timers.advance(2 * 60_000);
    status = 'healthy';
    deliver = true;
    await h.timers.advance(60_000);
    expect(said).toEqual(['recovered:inc-1']);
    await h.timers.advance(60_000);
    expect(said).toEqual(['recovered:inc-1']);
    expect((await h.store.list())[0]?.runtime.incident).toEqual({ status: 'healthy', since: '' });
  });

  it('a notice decided before Medic died is said by the next process, after its first run', async () => {
    const first = harness('2026-01-01T00:00:30.000Z', {
      run: async () => down('r1', 'fpm'),
      notify: () => new Promise<boolean>(() => {}), // the process dies while posting
    });
    await first.scheduler.start();
    await first.scheduler.add(schedule());
    await first.timers.advance(30_000);
    expect((await first.store.list())[0]?.runtime.incident.pendingNotice).toMatchObject({ notify: 'opened' });

    const second = harness('2026-01-01T00:01:30.000Z', {
      store: first.store,
      run: async () => down('r2', 'fpm'),
    });
    await second.scheduler.start();
    await second.timers.advance(30_000);
    expect(second.events).toMatchObject([{ type: 'incident', notify: 'opened', reportId: 'r2' }]);
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
