import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/adapters/store/sqliteStore.js';
import { parseIntent } from '../../../src/core/conversation/parseIntent.js';
import { scheduleCommand } from '../../../src/core/conversation/scheduleCommands.js';
import { inventorySchema } from '../../../src/core/model/inventory.js';
import { FakeTimers, harness, MortalTimers, schedule } from './fakes.js';

const start = '2026-01-01T00:00:30.000Z';
const opened: Array<{ close(): Promise<void> }> = [];

/** Two Medic processes on one SQLite file, on one virtual clock; A's timers can die. */
function twoProcesses() {
  const path = join(mkdtempSync(join(tmpdir(), 'medic-lease-')), 'medic.db');
  const clock = new FakeTimers(start);
  const stores = [new SqliteStore(path), new SqliteStore(path)] as const;
  opened.push(...stores);
  const mortal = new MortalTimers(clock);
  const a = harness(start, { store: stores[0].schedules, timers: mortal, leaseOwner: 'A' }, clock);
  const b = harness(start, { store: stores[1].schedules, leaseOwner: 'B' }, clock);
  return { path, clock, mortal, a, b };
}

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

describe('Scheduler lease: one process of those sharing a store runs the schedules', () => {
  it('the holder runs them; the standby takes over, late run included, once the holder stops renewing', async () => {
    const { clock, mortal, a, b } = twoProcesses();
    await a.scheduler.start();
    await b.scheduler.start();
    expect([a.scheduler.standby, b.scheduler.standby]).toEqual([false, true]);
    await a.scheduler.add(schedule());
    await clock.advance(3 * 60_000); // to 00:03:30
    expect(a.runs).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
      '2026-01-01T00:03:00.000Z',
    ]);
    expect(b.runs).toEqual([]);
    await expect(b.scheduler.runNow('shop-health')).rejects.toMatchObject({
      code: 'schedule.standby',
      userMessage: expect.stringContaining('(A)'),
    });

    mortal.dead = true; // A dies: no more renewals; its lease (renewed at 00:03:30) lasts until 00:04:30
    await clock.advanceTo('2026-01-01T00:04:29.000Z');
    expect(b.runs).toEqual([]);
    await clock.advanceTo('2026-01-01T00:05:10.000Z');
    expect(b.scheduler.standby).toBe(false);
    // 00:04:00 was due while nobody held the lease: late by less than the grace period, so run at once.
    expect(b.runs).toEqual(['2026-01-01T00:04:30.000Z', '2026-01-01T00:05:00.000Z']);
    expect(a.runs).toHaveLength(3);
    await b.scheduler.stop();
    await a.scheduler.stop();
  });

  it('stop() releases the lease: the standby takes over at its next attempt, nothing missed', async () => {
    const { clock, a, b } = twoProcesses();
    await a.scheduler.start();
    await a.scheduler.add(schedule({ cron: '*/5 * * * *' }));
    await b.scheduler.start();
    await clock.advanceTo('2026-01-01T00:07:00.000Z');
    await a.scheduler.stop();
    await clock.advanceTo('2026-01-01T00:07:20.000Z');
    expect(b.scheduler.standby).toBe(false);
    await clock.advanceTo('2026-01-01T00:10:00.000Z');
    expect(a.runs).toEqual(['2026-01-01T00:05:00.000Z']);
    expect(b.runs).toEqual(['2026-01-01T00:10:00.000Z']);
    expect(b.events).toEqual([]);
    await b.scheduler.stop();
  });

  it('changes made from a standby process reach the holder within one renewal', async () => {
    const { clock, a, b } = twoProcesses();
    await a.scheduler.start();
    await a.scheduler.add(schedule({ id: 'from-a' }));
    await b.scheduler.start();
    expect(b.scheduler.list().map((v) => v.schedule.id)).toEqual(['from-a']);
    await b.scheduler.add(schedule({ id: 'from-b' }));
    await b.scheduler.pause('from-a');
    await clock.advanceTo('2026-01-01T00:03:30.000Z');
    expect(b.runs).toEqual([]);
    expect(a.runs).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
      '2026-01-01T00:03:00.000Z',
    ]);
    expect(
      a.scheduler.list().map((v) => [v.schedule.id, v.schedule.paused, v.runtime.nextRunAt ?? null]),
    ).toEqual([
      ['from-a', true, null],
      ['from-b', false, '2026-01-01T00:04:00.000Z'],
    ]);
    await b.scheduler.remove('from-b');
    await clock.advanceTo('2026-01-01T00:06:00.000Z');
    expect(a.scheduler.list().map((v) => v.schedule.id)).toEqual(['from-a']);
    expect(a.runs).toHaveLength(3); // from-b was forgotten before its first fire time
    await a.scheduler.stop();
    await b.scheduler.stop();
  });

  it('a holder whose lease was taken goes on standby and stops firing', async () => {
    const { path, clock, a } = twoProcesses();
    await a.scheduler.start();
    await a.scheduler.add(schedule());
    await clock.advanceTo('2026-01-01T00:01:10.000Z');
    const other = new Database(path);
    other.prepare('UPDATE scheduler_lease SET owner = ?, expires_at = ?').run('C', Date.parse('2027-01-01'));
    other.close();
    await clock.advanceTo('2026-01-01T00:05:00.000Z');
    expect(a.runs).toEqual(['2026-01-01T00:01:00.000Z']);
    expect(a.scheduler.standby).toBe(true);
    expect(a.scheduler.list().map((v) => v.schedule.id)).toEqual(['shop-health']);
    await a.scheduler.stop();
  });

  it('chat on a standby process: changes say where they take effect, run is refused and not audited', async () => {
    const { a, b } = twoProcesses();
    await a.scheduler.start();
    await a.scheduler.add(schedule());
    await b.scheduler.start();
    const audited: unknown[] = [];
    const deps = {
      scheduler: b.scheduler,
      inventory: inventorySchema.parse({
        hosts: { web1: { transport: 'local' } },
        sites: { shop: { url: 'http://127.0.0.1:9/', hosts: ['web1'] } },
      }),
      playbooks: new Map(),
      now: b.timers.now(),
      mayManage: () => true,
      audit: async (_site: string, detail: Record<string, unknown>) => void audited.push(detail),
    };
    const say = (text: string) => scheduleCommand(parseIntent(text) as never, deps, { trigger: 'console' });
    expect(await say('schedule run shop-health')).toMatchObject({ type: 'error', code: 'schedule.standby' });
    expect(await say('schedule pause shop-health')).toMatchObject({
      change: { op: 'paused', id: 'shop-health', standby: true },
    });
    expect(audited).toEqual([{ op: 'pause', id: 'shop-health' }]);
    await a.scheduler.stop();
    await b.scheduler.stop();
  });
});
