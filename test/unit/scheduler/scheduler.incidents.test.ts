import { describe, expect, it } from 'vitest';
import type { SchedulerEvent } from '../../../src/core/scheduler/events.js';
import type { RunOutcome } from '../../../src/core/scheduler/incidentTracker.js';
import { down, harness, healthy, schedule } from './fakes.js';

/** One scripted outcome per minute: 'ok', or a top cause meaning down. */
function scripted(script: string[]) {
  let i = 0;
  return async (): Promise<RunOutcome> => {
    const step = script[i] ?? 'ok';
    i++;
    return step === 'ok' ? healthy(`r${i}`) : down(`r${i}`, step);
  };
}

const summary = (e: SchedulerEvent) =>
  e.type === 'incident' ? `${e.notify}:${e.reportId}:${e.state.incidentId}` : e.type;

describe('Scheduler speaks only on change', () => {
  it('healthy runs are quiet', async () => {
    const h = harness('2026-01-01T00:00:30.000Z');
    await h.scheduler.add(schedule());
    await h.scheduler.start();
    await h.timers.advance(10 * 60_000);
    expect(h.runs).toHaveLength(10);
    expect(h.events).toEqual([]);
  });

  it('opens, reminds, reports a new cause and recovers in one incident thread', async () => {
    const script = ['ok', 'fpm', 'fpm', 'fpm', 'fpm', 'fpm', 'disk', 'disk', 'ok', 'ok'];
    const h = harness('2026-01-01T00:00:30.000Z', { run: scripted(script), newId: () => 'inc-A' });
    h.deps.notify = async (e) => {
      if (e.type !== 'unchanged') h.events.push(e);
      if (e.type === 'incident' && e.notify === 'opened') {
        await h.scheduler.setThread(e.schedule.id, { channel: 'C123', ts: '111.1' }, e.state.incidentId);
      }
      return true;
    };
    await h.scheduler.add(schedule({ remindEveryMinutes: 4 }));
    await h.scheduler.start();
    await h.timers.advance(10 * 60_000);

    expect(h.events.map(summary)).toEqual([
      'opened:r2:inc-A', // 00:02
      'reminder:r6:inc-A', // 00:06, four minutes later
      'cause-changed:r7:inc-A',
      'recovered:r9:inc-A',
    ]);
    const recovered = h.events[3];
    expect(recovered?.type === 'incident' && recovered.state.thread).toEqual({
      channel: 'C123',
      ts: '111.1',
    });
    const persisted = (await h.store.list())[0]?.runtime.incident;
    expect(persisted).toEqual({ status: 'healthy', since: '' });
  });

  it('the same cause stays quiet when reminders are off', async () => {
    const h = harness('2026-01-01T00:00:30.000Z', { run: scripted(Array(200).fill('fpm')) });
    await h.scheduler.add(schedule({ remindEveryMinutes: 0 }));
    await h.scheduler.start();
    await h.timers.advance(180 * 60_000);
    expect(h.events.map(summary)).toEqual(['opened:r1:inc-1']);
  });

  it('keeps the first thread and ignores a thread for another incident', async () => {
    const h = harness('2026-01-01T00:00:30.000Z', { run: scripted(['fpm']) });
    await h.scheduler.add(schedule());
    await h.scheduler.start();
    await h.timers.advance(60_000);
    const id = h.scheduler.list()[0]?.runtime.incident.incidentId;
    expect(await h.scheduler.setThread('shop-health', { channel: 'C1', ts: '9.9' }, 'other')).toBe(false);
    expect(await h.scheduler.setThread('shop-health', { channel: 'C1', ts: '1.1' }, id)).toBe(true);
    expect(await h.scheduler.setThread('shop-health', { channel: 'C1', ts: '2.2' })).toBe(false);
    expect(await h.scheduler.setThread('nope', { channel: 'C1', ts: '2.2' })).toBe(false);
    expect((await h.store.list())[0]?.runtime.incident.thread).toEqual({ channel: 'C1', ts: '1.1' });
  });

  it('carries the incident across a restart: recovery after it reuses the same id and thread', async () => {
    const first = harness('2026-01-01T00:00:30.000Z', { run: scripted(['fpm']) });
    await first.scheduler.add(schedule());
    await first.scheduler.start();
    await first.timers.advance(60_000);
    await first.scheduler.setThread('shop-health', { channel: 'C123', ts: '5.5' });
    await first.scheduler.stop();

    const second = harness('2026-01-01T00:01:40.000Z', { store: first.store, run: scripted(['ok']) });
    await second.scheduler.start();
    await second.timers.advance(30_000);
    expect(second.events).toEqual([
      {
        type: 'incident',
        schedule: schedule(),
        notify: 'recovered',
        reportId: 'r1',
        state: expect.objectContaining({ incidentId: 'inc-1', thread: { channel: 'C123', ts: '5.5' } }),
      },
    ]);
  });

  it('a top cause flipping between two causes is announced once each, then quiet', async () => {
    const script = ['fpm', 'disk', 'fpm', 'disk', 'fpm', 'disk', 'oom', 'fpm'];
    const h = harness('2026-01-01T00:00:30.000Z', { run: scripted(script), newId: () => 'inc-A' });
    await h.scheduler.add(schedule({ remindEveryMinutes: 0 }));
    await h.scheduler.start();
    await h.timers.advance(8 * 60_000);
    expect(h.events.map(summary)).toEqual([
      'opened:r1:inc-A',
      'cause-changed:r2:inc-A',
      'cause-changed:r7:inc-A',
    ]);
    expect(h.unchanged.map((e) => e.type === 'unchanged' && e.reportId)).toEqual([
      'r3',
      'r4',
      'r5',
      'r6',
      'r8',
    ]);
    expect((await h.store.list())[0]?.runtime.incident.announced).toEqual(['fpm', 'disk', 'oom']);
  });

  it('reminds on the cron grid: a 60-minute reminder on a 5-minute cron comes at 60, however long runs take', async () => {
    let n = 0;
    const h = harness('2026-01-01T09:59:59.000Z');
    // Runs take 40 s, then 10 s: the end of a run is no base for the next reminder.
    h.deps.run = () =>
      new Promise((resolve) => {
        const id = `r${++n}`;
        h.timers.setTimeout(() => resolve(down(id, 'fpm')), n === 1 ? 40_000 : 10_000);
      });
    await h.scheduler.add(schedule({ cron: '*/5 * * * *', remindEveryMinutes: 60 }));
    await h.scheduler.start();
    await h.timers.advanceTo('2026-01-01T12:01:00.000Z');
    const said = h.events.map((e) => (e.type === 'incident' ? `${e.notify}:${e.reportId}` : e.type));
    expect(said).toEqual(['opened:r1', 'reminder:r13', 'reminder:r25']); // 10:00, 11:00, 12:00
    expect((await h.store.list())[0]?.runtime.incident.lastNotifiedAt).toBe('2026-01-01T12:00:00.000Z');
  });
});
