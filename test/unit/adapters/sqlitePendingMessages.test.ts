import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../src/adapters/store/migrations.js';
import { SqliteStore } from '../../../src/adapters/store/sqliteStore.js';

describe('SqliteStore: where a pending action’s buttons were posted', () => {
  it('records each message once, in order, and keeps them across a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-buttons-')), 'medic.db');
    const a = new SqliteStore(path);
    await a.approvals.bindMessage('p-1', { channel: 'C1', ts: '10.1', threadTs: '9.1' });
    await a.approvals.bindMessage('p-1', { channel: 'C3', ts: '12.1' });
    await a.approvals.bindMessage('p-1', { channel: 'C1', ts: '10.1', threadTs: '9.1' }); // a retry
    await a.approvals.bindMessage('p-2', { channel: 'C1', ts: '11.1' });
    await a.close();
    const b = new SqliteStore(path);
    expect(await b.approvals.postedMessages('p-1')).toEqual([
      { channel: 'C1', ts: '10.1', threadTs: '9.1' },
      { channel: 'C3', ts: '12.1' },
    ]);
    expect(await b.approvals.postedMessages('p-3')).toEqual([]);
    await b.close();
  });

  it('a store of the version before gets the table and keeps its pending actions', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-buttons-migrate-')), 'medic.db');
    const old = new Database(path);
    for (const m of migrations.slice(0, -1)) old.exec(m);
    old.pragma(`user_version = ${migrations.length - 1}`);
    old
      .prepare(
        `INSERT INTO pending_actions (id, report_id, site, action_id, risk, requested_by, channel, thread_ts, created_at, expires_at, state, body)
         VALUES ('p-old', 'r1', 'shop', 'a', 'restart', 'U1', 'C1', '1.2', 't', 't', 'pending', '{"action":{}}')`,
      )
      .run();
    old.close();
    const s = new SqliteStore(path);
    expect(await s.approvals.getPending('p-old')).toMatchObject({ channel: 'C1', threadTs: '1.2' });
    expect(await s.approvals.postedMessages('p-old')).toEqual([]);
    await s.approvals.bindMessage('p-old', { channel: 'C1', ts: '3.4', threadTs: '1.2' });
    expect(await s.approvals.postedMessages('p-old')).toHaveLength(1);
    await s.close();
  });
});
