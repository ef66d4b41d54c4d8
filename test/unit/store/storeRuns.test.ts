import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../src/adapters/store/migrations.js';
import { SqliteStore } from '../../../src/adapters/store/sqliteStore.js';
import type { Report } from '../../../src/core/model/report.js';
import type { RunRecord } from '../../../src/core/model/runRecord.js';

const report = (id: string, startedAt: string, playbook = '502-triage') =>
  ({
    id,
    site: 'shop',
    playbook,
    status: 'down',
    headline: 'shop is down',
    startedAt,
    durationMs: 120,
    causes: [],
  }) as unknown as Report;

const interrupted: RunRecord = {
  id: 'run-2',
  site: 'shop',
  playbook: '502-triage',
  state: 'interrupted',
  reason: 'shutdown',
  startedAt: '2026-11-22T02:00:00.000Z',
  endedAt: '2026-11-22T02:00:31.500Z',
  checksDone: 11,
  checksTotal: 12,
  origin: { trigger: 'slack', requestedBy: 'U7', channel: 'C1', threadTs: '1.2' },
};

describe('runs that ended without a report', () => {
  it('are in the site history beside the reports, newest first, and survive a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-store-')), 'medic.db');
    const a = new SqliteStore(path);
    await a.saveReport(report('r1', '2026-11-22T01:00:00.000Z'), { trigger: 'cli' });
    await a.saveRun(interrupted);
    await a.saveReport(report('r3', '2026-11-22T03:00:00.000Z'), { trigger: 'console' });
    await a.close();
    const b = new SqliteStore(path);
    const h = await b.history('shop', 10);
    expect(h.map((e) => [e.id, e.status])).toEqual([
      ['r3', 'down'],
      ['run-2', 'interrupted'],
      ['r1', 'down'],
    ]);
    expect(h[1]).toEqual({
      id: 'run-2',
      site: 'shop',
      playbook: '502-triage',
      status: 'interrupted',
      headline: 'interrupted by shutdown after 11/12 checks',
      topCause: null,
      startedAt: '2026-11-22T02:00:00.000Z',
      durationMs: 31_500,
      trigger: 'slack',
      requestedBy: 'U7',
    });
    expect((await b.history('shop', 2)).map((e) => e.id)).toEqual(['r3', 'run-2']);
    // A playbook's reports (what remediation compares a click with) are reports only.
    expect((await b.history('shop', 10, '502-triage')).map((e) => e.id)).toEqual(['r3', 'r1']);
    expect((await b.latestPerSite()).map((e) => e.id)).toEqual(['r3']);
    expect(await b.getReport('run-2')).toBeUndefined();
    await b.close();
  });

  it('a store of the previous schema version gets the runs table and keeps its reports', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-store-')), 'medic.db');
    const old = new Database(path);
    for (const m of migrations.slice(0, -1)) old.exec(m);
    old.pragma(`user_version = ${migrations.length - 1}`);
    old
      .prepare(
        "INSERT INTO reports VALUES ('r0', 'shop', '502-triage', 'healthy', 'ok', NULL, '2026-01-01T00:00:00.000Z', 5, 'cli', NULL, NULL, NULL, '{}')",
      )
      .run();
    old.close();
    const store = new SqliteStore(path);
    await store.saveRun(interrupted);
    expect((await store.history('shop', 10)).map((e) => e.id)).toEqual(['run-2', 'r0']);
    await store.close();
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(migrations.length);
    check.close();
  });
});
