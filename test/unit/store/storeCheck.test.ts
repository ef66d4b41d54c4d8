/** `medic store check`: real files, each state a store can be in, with its exit code. */
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../src/adapters/store/migrations.js';
import { SqliteStore } from '../../../src/adapters/store/sqliteStore.js';
import { recoverCommands, storeCommand } from '../../../src/cliStore.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'medic-check-')), 'medic.db');

function check(path: string, json = false) {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  out.on('data', (d) => {
    text += d;
  });
  const code = storeCommand('check', path, { configFile: '/nonexistent/medic.yaml', json }, out, err);
  return { code, text };
}

async function storeWithReports(path: string, n: number) {
  const store = new SqliteStore(path);
  for (let i = 0; i < n; i++) {
    const report = { id: `r${i}`, site: 'shop', playbook: 'p', status: 'down', headline: 'x'.repeat(2000) };
    await store.saveReport(
      { ...report, startedAt: new Date(1e12 + i).toISOString(), durationMs: 1, causes: [] } as never,
      {
        trigger: 'cli',
      },
    );
  }
  await store.close();
}

describe('medic store check', () => {
  it('no file yet: fine, Medic creates it (exit 0)', () => {
    const r = check(fresh());
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/file {7}none yet \(Medic creates it at first use\)/);
    expect(r.text).toMatch(/\nOK\n$/);
  });

  it('a healthy store: integrity ok, schema version, WAL, lock free (exit 0)', async () => {
    const path = fresh();
    await storeWithReports(path, 3);
    const r = check(path);
    expect(r.code).toBe(0);
    expect(r.text).toContain('  integrity  ok\n');
    expect(r.text).toContain(`  schema     version ${migrations.length}, this Medic: ${migrations.length}\n`);
    expect(r.text).toMatch(/ {2}journal {4}wal/);
    expect(r.text).toContain('  lock       free (a write could start)\n');
    const json = JSON.parse(check(path, true).text);
    expect(json).toMatchObject({ exists: true, integrity: ['ok'], lock: 'free', problems: [] });
  });

  it('a write lock held by another process: locked, with how to find it (exit 1)', async () => {
    const path = fresh();
    await storeWithReports(path, 1);
    const other = new Database(path);
    other.exec(
      "BEGIN IMMEDIATE; INSERT INTO audit_log (at, site, event, detail) VALUES ('t', 's', 'e', '{}')",
    );
    try {
      const r = check(path);
      expect(r.code).toBe(1);
      expect(r.text).toContain(`PROBLEM: ${path} is locked by another process (store.locked)`);
      expect(r.text).toContain(`fuser -v ${path}`);
    } finally {
      other.close();
    }
  }, 10_000);

  it('garbage over a page: corrupt, with the commands that rebuild it (exit 1)', async () => {
    const path = fresh();
    await storeWithReports(path, 50);
    const db = new Database(path);
    const { rootpage } = db
      .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'reports_site_started'")
      .get() as {
      rootpage: number;
    };
    db.close();
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 4096 * (rootpage - 1));
    closeSync(fd);
    const r = check(path);
    expect(r.code).toBe(1);
    expect(r.text).toContain('  integrity  database disk image is malformed\n');
    expect(r.text).toContain(`PROBLEM: the database at ${path} is corrupt (store.corrupt)`);
    for (const line of recoverCommands(path, migrations.length)) expect(r.text).toContain(`    ${line}\n`);
  });

  it('a file that is not a database, and one from a newer Medic (exit 1)', () => {
    const text = fresh();
    writeFileSync(text, 'not sqlite at all\n');
    expect(check(text)).toMatchObject({
      code: 1,
      text: expect.stringContaining('is not a database (store.not-a-database)'),
    });
    const newer = fresh();
    const db = new Database(newer);
    db.pragma('user_version = 99');
    db.close();
    const r = check(newer);
    expect(r.code).toBe(1);
    expect(r.text).toContain(
      `schema     version 99, this Medic: ${migrations.length} (newer than this Medic)`,
    );
    expect(r.text).toContain('(store.newer-schema)');
  });

  it('anything but "check" is a usage error (exit 2)', () => {
    const err = new PassThrough();
    expect(storeCommand('fix', undefined, { configFile: 'x', json: false }, new PassThrough(), err)).toBe(2);
  });
});
