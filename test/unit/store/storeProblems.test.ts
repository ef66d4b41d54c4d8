/**
 * The store says why it cannot be used: real SQLite files that are not databases, corrupt,
 * locked by another connection or written by a newer Medic; the codes SQLite hides behind
 * SQLITE_CANTOPEN are explained by the folder's state. (A real read-only mount and a real full
 * disk are in test/integration/storeFaults.test.ts.)
 */
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { classifyStoreError } from '../../../src/adapters/store/classifyStoreError.js';
import { SqliteStore } from '../../../src/adapters/store/sqliteStore.js';
import { type StoreProblem, storeProblemText } from '../../../src/core/model/storeProblem.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'medic-store-')), 'medic.db');

function openError(
  path: string,
  opts?: { busyTimeoutMs?: number; verify?: boolean },
): { code: string; message: string } {
  try {
    new SqliteStore(path, opts);
  } catch (err) {
    const e = err as { code: string; userMessage: string };
    return { code: e.code, message: e.userMessage };
  }
  throw new Error('expected the store to refuse');
}

describe('the store at start', () => {
  it('a text file is "not a database"', () => {
    const path = fresh();
    writeFileSync(path, 'hello, I am a config file\n');
    expect(openError(path)).toEqual({ code: 'store.not-a-database', message: `${path} is not a database` });
  });

  it('a file locked by another connection (a write transaction open) is "locked by another process"', () => {
    const path = fresh();
    new SqliteStore(path).close();
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE; INSERT INTO audit_log (at, site, event, detail) VALUES (1, 1, 1, 1)');
    try {
      expect(openError(path, { busyTimeoutMs: 50 })).toEqual({
        code: 'store.locked',
        message: `${path} is locked by another process`,
      });
    } finally {
      other.close();
    }
  });

  it('a store written by a newer Medic is refused, not migrated down', () => {
    const path = fresh();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    const e = openError(path);
    expect(e.code).toBe('store.newer-schema');
    expect(e.message).toMatch(/written by a newer Medic \(schema version 99, this Medic knows \d+\)/);
  });

  it('a corrupt page surfaces as "corrupt" when it is read', async () => {
    const path = fresh();
    const store = new SqliteStore(path);
    const report = {
      id: 'r',
      site: 'shop',
      playbook: 'p',
      status: 'down',
      headline: 'h',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1,
      causes: [],
    };
    for (let i = 0; i < 100; i++)
      await store.saveReport({ ...report, id: `r${i}`, headline: 'x'.repeat(2000) } as never, {
        trigger: 'cli',
      });
    await store.close();
    const db = new Database(path);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const { rootpage } = db
      .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'reports_site_started'")
      .get() as {
      rootpage: number;
    };
    db.close();
    // Garbage over the history index's root page, as a bad disk or a stray write leaves it.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 4096 * (rootpage - 1));
    closeSync(fd);
    const broken = new SqliteStore(path);
    await expect(broken.history('shop', 200)).rejects.toMatchObject({ code: 'store.corrupt' });
    await broken.close();
    // serve checks every page at start: the damage is refused before anything relies on it.
    expect(openError(path, { verify: true })).toEqual({
      code: 'store.corrupt',
      message: `the database at ${path} is corrupt`,
    });
  });
});

describe('classifyStoreError', () => {
  const err = (code: string, message: string) => new Database.SqliteError(message, code);
  const kind = (e: unknown, fs = {}) => classifyStoreError(e, '/var/lib/medic/medic.db', () => fs).kind;

  it('takes the kind from SQLite codes and errno codes that say it', () => {
    expect(kind(err('SQLITE_FULL', 'database or disk is full'))).toBe('disk-full');
    expect(kind(err('SQLITE_NOTADB', 'file is not a database'))).toBe('not-a-database');
    expect(kind(err('SQLITE_CORRUPT', 'database disk image is malformed'))).toBe('corrupt');
    expect(kind(err('SQLITE_BUSY', 'database is locked'))).toBe('locked');
    expect(kind(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toBe('disk-full');
    expect(kind(Object.assign(new Error('read-only file system'), { code: 'EROFS' }))).toBe('read-only');
  });

  it('explains SQLITE_CANTOPEN and I/O errors by the folder: read-only mount, permissions, no space', () => {
    const cantOpen = err('SQLITE_CANTOPEN', 'unable to open database file');
    expect(kind(cantOpen, { writeError: 'EROFS', freeBytes: 1 << 20 })).toBe('read-only');
    expect(kind(cantOpen, { writeError: 'EACCES', freeBytes: 1 << 20 })).toBe('no-access');
    expect(kind(cantOpen, { freeBytes: 0 })).toBe('disk-full');
    expect(kind(cantOpen, { freeBytes: 1 << 20 })).toBe('io-error');
    expect(kind(err('SQLITE_IOERR_WRITE', 'disk I/O error'), { freeBytes: 0 })).toBe('disk-full');
    expect(kind(err('SQLITE_READONLY', 'attempt to write a readonly database'), {})).toBe('read-only');
    expect(kind(new Error('something else'), {})).toBe('other');
  });

  it('keeps what the library said for the log', () => {
    const p = classifyStoreError(err('SQLITE_FULL', 'database or disk is full'), '/d/medic.db', () => ({}));
    expect(p).toEqual({
      kind: 'disk-full',
      path: '/d/medic.db',
      detail: 'SQLITE_FULL: database or disk is full',
    });
  });
});

describe('storeProblemText', () => {
  it('words every kind plainly, with the path', () => {
    const at = (kind: StoreProblem['kind']) =>
      storeProblemText({ kind, path: '/d/medic.db', detail: 'X: y' });
    expect(at('disk-full')).toBe('disk full at /d/medic.db');
    expect(at('read-only')).toBe('read-only file system at /d/medic.db');
    expect(at('no-access')).toBe('no permission to write /d/medic.db');
    expect(at('not-a-database')).toBe('/d/medic.db is not a database');
    expect(at('corrupt')).toBe('the database at /d/medic.db is corrupt');
    expect(at('locked')).toBe('/d/medic.db is locked by another process');
    expect(at('io-error')).toBe('I/O error at /d/medic.db');
    expect(at('other')).toBe('the store at /d/medic.db failed (X: y)');
  });
});
