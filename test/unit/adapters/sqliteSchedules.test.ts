import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { schedulerLeaseMigration } from '../../../src/adapters/store/schedulerLeaseMigration.js';
import { schedulesMigration } from '../../../src/adapters/store/schedulesMigration.js';
import { SqliteSchedules } from '../../../src/adapters/store/sqliteSchedules.js';
import type { Schedule } from '../../../src/core/scheduler/schedule.js';
import type { ScheduleRuntime } from '../../../src/core/scheduler/scheduleStore.js';
import { harness, schedule } from '../scheduler/fakes.js';

const full: Schedule = {
  id: 'shop-502-abc123',
  cron: '*/5 * * * *',
  timezone: 'Europe/Berlin',
  site: 'shop',
  playbook: '502',
  channel: 'C0123ABC',
  remindEveryMinutes: 30,
  missedGraceSeconds: 120,
  paused: false,
  source: 'chat',
  createdBy: 'U42',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const minimal: Schedule = {
  id: 'api-default-ffffff',
  cron: '0 3 * * *',
  timezone: 'UTC',
  site: 'api',
  remindEveryMinutes: 0,
  paused: true,
  source: 'config',
  createdAt: '2026-01-02T00:00:00.000Z',
};
const runtime: ScheduleRuntime = {
  lastRunAt: '2026-01-01T00:05:00.000Z',
  nextRunAt: '2026-01-01T00:10:00.000Z',
  incident: {
    status: 'failing',
    incidentId: 'inc-1',
    since: '2026-01-01T00:05:00.000Z',
    lastNotifiedAt: '2026-01-01T00:05:01.000Z',
    topCause: null,
    thread: { channel: 'C0123ABC', ts: '1700000000.000100' },
  },
};

function migrate(db: Database.Database): Database.Database {
  db.exec(schedulesMigration);
  db.exec(schedulerLeaseMigration);
  return db;
}

function memoryStore() {
  return new SqliteSchedules(migrate(new Database(':memory:')));
}

describe('SqliteSchedules', () => {
  it('round-trips schedules, optional fields included, with a default runtime', async () => {
    const s = memoryStore();
    await s.upsert(full);
    await s.upsert(minimal);
    expect(await s.list()).toEqual([
      { schedule: minimal, runtime: { incident: { status: 'unknown' } } },
      { schedule: full, runtime: { incident: { status: 'unknown' } } },
    ]);
  });

  it('saves runtime state, and an upsert keeps it', async () => {
    const s = memoryStore();
    await s.upsert(full);
    await s.saveRuntime(full.id, runtime);
    await s.upsert({ ...full, cron: '*/10 * * * *', channel: 'C999' });
    const [row] = await s.list();
    expect(row?.schedule).toMatchObject({ cron: '*/10 * * * *', channel: 'C999' });
    expect(row?.runtime).toEqual(runtime);
    await s.saveRuntime(full.id, { incident: { status: 'healthy', since: 'x' } });
    expect((await s.list())[0]?.runtime).toEqual({ incident: { status: 'healthy', since: 'x' } });
  });

  it('keeps the failure streak and the undelivered notice; insert never replaces', async () => {
    const s = memoryStore();
    expect(await s.insert(full)).toBe(true);
    expect(await s.insert({ ...full, cron: '0 * * * *', paused: true })).toBe(false);
    const pending: ScheduleRuntime = {
      ...runtime,
      failedCode: 'transport.refused',
      incident: {
        ...runtime.incident,
        announced: [null, 'disk-full'],
        pendingNotice: { notify: 'opened', reportId: 'r9' },
      },
    };
    await s.saveRuntime(full.id, pending);
    expect(await s.list()).toEqual([{ schedule: full, runtime: pending }]);
    await s.saveRuntime(full.id, runtime);
    expect((await s.list())[0]?.runtime).toEqual(runtime);
  });

  it('pauses, removes with its runtime, and ignores runtime for an unknown id', async () => {
    const s = memoryStore();
    await s.upsert(full);
    await s.saveRuntime(full.id, runtime);
    expect(await s.setPaused(full.id, true)).toBe(true);
    expect((await s.list())[0]?.schedule.paused).toBe(true);
    expect(await s.setPaused('nope', true)).toBe(false);
    await s.saveRuntime('nope', runtime);
    expect(await s.remove(full.id)).toBe(true);
    expect(await s.remove(full.id)).toBe(false);
    expect(await s.list()).toEqual([]);
    await s.upsert(full);
    expect((await s.list())[0]?.runtime).toEqual({ incident: { status: 'unknown' } });
  });

  it('survives a reopen of the file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-schedules-')), 'medic.db');
    const db = migrate(new Database(path));
    const a = new SqliteSchedules(db);
    await a.upsert(full);
    await a.saveRuntime(full.id, runtime);
    db.close();
    const reopened = new Database(path);
    expect(await new SqliteSchedules(reopened).list()).toEqual([{ schedule: full, runtime }]);
    reopened.close();
  });
});

describe('Scheduler on SqliteSchedules', () => {
  it('keeps the incident and reports missed runs across a restart', async () => {
    const store = memoryStore();
    const first = harness('2026-01-01T00:00:30.000Z', {
      store,
      run: async () => ({ id: 'r1', status: 'down', topCause: 'fpm', startedAt: '' }),
    });
    await first.scheduler.start();
    await first.scheduler.add(schedule());
    await first.timers.advance(30_000);
    await first.scheduler.setThread('shop-health', { channel: 'C123', ts: '1.1' });
    await first.scheduler.stop();

    const second = harness('2026-01-01T00:10:00.000Z', { store });
    await second.scheduler.start();
    expect(second.events).toMatchObject([{ type: 'missed', count: 9 }]);
    await second.timers.advance(60_000);
    expect(second.events[1]).toMatchObject({
      type: 'incident',
      notify: 'recovered',
      state: { incidentId: 'inc-1', thread: { channel: 'C123', ts: '1.1' } },
    });
  });
});
