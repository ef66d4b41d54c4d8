import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../src/adapters/store/migrations.js';
import { SqliteStore } from '../../../src/adapters/store/sqliteStore.js';

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
  body: { preview: [['systemctl', 'restart', '--', 'php8.2-fpm.service']] },
};

describe('SqliteStore approvals', () => {
  it('a pending approval survives a restart, and of two racing approvals exactly one wins', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-approvals-')), 'medic.db');
    const a = new SqliteStore(path);
    a.approvals.create(pending);
    await a.close();

    const b = new SqliteStore(path);
    expect(b.approvals.get('p-1')).toMatchObject({ state: 'pending', requestedBy: 'U1', risk: 'restart' });
    const first = b.approvals.transition('p-1', 'pending', 'approved', 'U2', '2026-11-22T10:01:00Z');
    const second = b.approvals.transition('p-1', 'pending', 'approved', 'U3', '2026-11-22T10:01:00Z');
    expect([first, second]).toEqual([true, false]);
    expect(b.approvals.get('p-1')?.state).toBe('approved');
    expect(b.approvals.get('nope')).toBeUndefined();
    await b.close();
  });

  it('appends to the audit log and reads it newest first, per site', async () => {
    const s = new SqliteStore(':memory:');
    s.approvals.audit({
      at: '1',
      site: 'shop',
      pendingId: 'p-1',
      event: 'proposed',
      actor: 'U1',
      detail: { risk: 'restart' },
    });
    s.approvals.audit({
      at: '2',
      site: 'shop',
      pendingId: 'p-1',
      event: 'refused',
      actor: 'U9',
      detail: { code: 'not-approver' },
    });
    s.approvals.audit({ at: '3', site: 'api', pendingId: null, event: 'proposed', actor: 'U1', detail: {} });
    expect(s.approvals.auditOf('shop', 10).map((e) => [e.event, e.actor, e.detail])).toEqual([
      ['refused', 'U9', { code: 'not-approver' }],
      ['proposed', 'U1', { risk: 'restart' }],
    ]);
    await s.close();
  });

  it('migrates a store written by the first schema version', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-migrate-')), 'medic.db');
    const old = new Database(path);
    old.exec(migrations[0] as string);
    old.pragma('user_version = 1');
    old.close();
    const s = new SqliteStore(path);
    s.approvals.create(pending);
    expect(s.approvals.get('p-1')?.state).toBe('pending');
    await s.close();
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(migrations.length);
    check.close();
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
