import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../src/adapters/store/migrations.js';
import { SqliteStore } from '../../../src/adapters/store/sqliteStore.js';
import { propose } from '../../../src/core/remediation/actionCatalog.js';

const pending = {
  id: 'p-1',
  reportId: 'r1',
  site: 'shop',
  actionId: 'restart-unit:web1:php8.2-fpm.service',
  risk: 'restart' as const,
  requestedBy: 'U1',
  expiresAt: '2026-11-22T10:15:00Z',
  state: 'pending' as const,
  createdAt: '2026-11-22T10:00:00Z',
  channel: 'C1',
  threadTs: '1.2',
  action: propose('restart-unit', 'web1', { unit: 'php8.2-fpm.service' }),
  causes: ['upstream-down'],
  evidence: ['php8.2-fpm.service is inactive on web1'],
};

describe('SqliteStore approvals', () => {
  it('a pending approval survives a restart, and of two racing approvals exactly one wins', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-approvals-')), 'medic.db');
    const a = new SqliteStore(path);
    await a.approvals.createPending(pending);
    await a.close();

    const b = new SqliteStore(path);
    expect(await b.approvals.getPending('p-1')).toMatchObject({
      state: 'pending',
      requestedBy: 'U1',
      risk: 'restart',
      channel: 'C1',
      action: { kind: 'restart-unit', params: { unit: 'php8.2-fpm.service' } },
      causes: ['upstream-down'],
    });
    expect((await b.approvals.pendingDue('2026-11-22T10:14:59Z')).map((p) => p.id)).toEqual([]);
    expect((await b.approvals.pendingDue('2026-11-22T10:15:00Z')).map((p) => p.id)).toEqual(['p-1']);
    const [first, second] = await Promise.all([
      b.approvals.transition('p-1', 'pending', 'approved', 'U2', '2026-11-22T10:01:00Z'),
      b.approvals.transition('p-1', 'pending', 'approved', 'U3', '2026-11-22T10:01:00Z'),
    ]);
    expect([first, second]).toEqual([true, false]);
    expect((await b.approvals.getPending('p-1'))?.state).toBe('approved');
    expect(await b.approvals.getPending('nope')).toBeUndefined();
    await b.close();
  });

  it('appends to the audit log and reads it newest first, per site', async () => {
    const s = new SqliteStore(':memory:');
    await s.approvals.audit({
      at: '1',
      site: 'shop',
      pendingId: 'p-1',
      event: 'proposed',
      actor: 'U1',
      detail: { risk: 'restart' },
    });
    await s.approvals.audit({
      at: '2',
      site: 'shop',
      pendingId: 'p-1',
      event: 'refused',
      actor: 'U9',
      detail: { code: 'not-approver' },
    });
    await s.approvals.audit({
      at: '3',
      site: 'api',
      pendingId: null,
      event: 'proposed',
      actor: 'U1',
      detail: {},
    });
    expect(
      (await s.approvals.auditLog({ site: 'shop', limit: 10 })).map((e) => [e.event, e.actor, e.detail]),
    ).toEqual([
      ['refused', 'U9', { code: 'not-approver' }],
      ['proposed', 'U1', { risk: 'restart' }],
    ]);
    expect((await s.approvals.auditLog({ limit: 10 })).map((e) => e.site)).toEqual(['api', 'shop', 'shop']);
    await s.close();
  });

  it('migrates a store written by the first schema version', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-migrate-')), 'medic.db');
    const old = new Database(path);
    old.exec(migrations[0] as string);
    old.pragma('user_version = 1');
    old.close();
    const s = new SqliteStore(path);
    await s.approvals.createPending(pending);
    expect((await s.approvals.getPending('p-1'))?.state).toBe('pending');
    await s.close();
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(migrations.length);
    check.close();
  });
});

describe('SqliteStore self-healing budget', () => {
  it('counts runs in the window and keeps the breaker across a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-budget-')), 'medic.db');
    const key = { site: 'shop', actionId: 'restart-unit:web1:php8.2-fpm.service' };
    const a = new SqliteStore(path);
    const since = '2026-11-22T09:00:00.000Z';
    expect(await a.approvals.claimHealRun(key, since, 2, '2026-11-22T10:00:00.000Z')).toEqual({
      ok: true,
      runs: 1,
    });
    expect(await a.approvals.claimHealRun(key, since, 2, '2026-11-22T10:30:00.000Z')).toEqual({
      ok: true,
      runs: 2,
    });
    expect(
      await a.approvals.claimHealRun({ ...key, site: 'api' }, since, 2, '2026-11-22T10:30:00.000Z'),
    ).toEqual({
      ok: true,
      runs: 1,
    });
    await a.approvals.setBreaker(key, { openedAt: '2026-11-22T10:31:00.000Z', reason: 'spent' });
    await a.close();
    const b = new SqliteStore(path);
    expect(await b.approvals.claimHealRun(key, since, 2, '2026-11-22T10:40:00.000Z')).toEqual({
      ok: false,
      runs: 2,
    });
    // The window slides: the 10:00 run no longer counts from 10:00 on.
    expect(
      await b.approvals.claimHealRun(key, '2026-11-22T10:00:00.000Z', 2, '2026-11-22T11:00:00.000Z'),
    ).toEqual({
      ok: true,
      runs: 2,
    });
    expect(await b.approvals.breaker(key)).toEqual({ openedAt: '2026-11-22T10:31:00.000Z', reason: 'spent' });
    await b.approvals.setBreaker(key, undefined);
    expect(await b.approvals.breaker(key)).toBeUndefined();
    await b.approvals.resetHealRuns(key);
    expect(await b.approvals.claimHealRun(key, since, 1, '2026-11-22T11:01:00.000Z')).toEqual({
      ok: true,
      runs: 1,
    });
    await b.close();
  });
});

describe('SqliteStore opened by several processes at once', () => {
  it('migrates a new file exactly once; every process opens it', async () => {
    const { execFile } = await import('node:child_process');
    const path = join(mkdtempSync(join(tmpdir(), 'medic-race-')), 'medic.db');
    const store = new URL('../../../src/adapters/store/sqliteStore.ts', import.meta.url).href;
    const open = () =>
      new Promise<number>((resolve) => {
        const code = `import(${JSON.stringify(store)}).then(async (m) => { const s = new m.SqliteStore(${JSON.stringify(path)}); await s.close(); })`;
        execFile('node', ['--import', 'tsx', '-e', code], (err) => resolve(err ? 1 : 0));
      });
    expect(await Promise.all([open(), open(), open(), open()])).toEqual([0, 0, 0, 0]);
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(migrations.length);
    check.close();
  }, 60_000);
});
