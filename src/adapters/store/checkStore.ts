import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { StoreProblem } from '../../core/model/storeProblem.js';
import { lazyModule } from '../lazyModule.js';
import { classifyStoreError, type FsState, probeFs } from './classifyStoreError.js';
import { migrations } from './migrations.js';

const sqlite = lazyModule<typeof Database>('better-sqlite3');

/** What `medic store check` found, read without changing the file (no migration, no checkpoint). */
export interface StoreCheck {
  path: string;
  exists: boolean;
  sizeBytes: number;
  /** `PRAGMA integrity_check`: ["ok"], or what it found (at most 20 lines). */
  integrity: string[] | undefined;
  schema: { version: number; expected: number } | undefined;
  journalMode: string | undefined;
  /** The write-ahead log beside the file: its size and the frames it holds (pages not yet in the file, or already copied). */
  wal: { bytes: number; frames: number } | undefined;
  /** Whether a write transaction could start within 2 s (another process may hold the lock). */
  lock: 'free' | 'locked' | 'not-checked';
  fs: FsState;
  /** Each problem once, worst first; none: the store is usable. */
  problems: StoreProblem[];
}

const SQLITE_HEADER = 'SQLite format 3\0';

function header(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

function walState(path: string, pageSize: number): StoreCheck['wal'] {
  const wal = `${path}-wal`;
  if (!existsSync(wal)) return undefined;
  const bytes = statSync(wal).size;
  // A WAL file is a 32-byte header and frames of a 24-byte header plus one page.
  return { bytes, frames: bytes > 32 ? Math.floor((bytes - 32) / (pageSize + 24)) : 0 };
}

/** Can a write transaction start? BEGIN IMMEDIATE then ROLLBACK: nothing is written. */
function lockState(path: string): StoreCheck['lock'] {
  const db = new (sqlite())(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return 'free';
  } catch (err) {
    if (/^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: string }).code))) return 'locked';
    throw err;
  } finally {
    db.close();
  }
}

/** Look at the store file: header, integrity, schema version, WAL, write lock, its folder. */
export function checkStore(path: string): StoreCheck {
  const fs = existsSync(dirname(path)) ? probeFs(path) : {};
  const check: StoreCheck = {
    path,
    exists: existsSync(path),
    sizeBytes: 0,
    integrity: undefined,
    schema: undefined,
    journalMode: undefined,
    wal: undefined,
    lock: 'not-checked',
    fs,
    problems: [],
  };
  const problem = (kind: StoreProblem['kind'], detail: string) => {
    if (!check.problems.some((p) => p.kind === kind)) check.problems.push({ kind, path, detail });
  };
  if (fs.writeError === 'EROFS') problem('read-only', 'EROFS: the file system is mounted read-only');
  if (fs.writeError === 'EACCES' || fs.writeError === 'EPERM')
    problem('no-access', `${fs.writeError}: ${dirname(path)}`);
  if (fs.freeBytes === 0) problem('disk-full', 'ENOSPC: no space left on the file system');
  if (!check.exists) return check;
  check.sizeBytes = statSync(path).size;
  if (check.sizeBytes > 0 && header(path) !== SQLITE_HEADER) {
    problem('not-a-database', 'the file does not start with the SQLite header');
    return check;
  }
  try {
    const db = new (sqlite())(path, { readonly: true, fileMustExist: true });
    try {
      check.schema = {
        version: db.pragma('user_version', { simple: true }) as number,
        expected: migrations.length,
      };
      check.journalMode = String(db.pragma('journal_mode', { simple: true }));
      check.wal = walState(path, db.pragma('page_size', { simple: true }) as number);
      try {
        check.integrity = (db.pragma('integrity_check(20)') as Array<{ integrity_check: string }>).map(
          (r) => r.integrity_check,
        );
      } catch (err) {
        // Damage bad enough stops the check itself (SQLITE_CORRUPT): that is its answer.
        check.integrity = [String((err as Error).message)];
      }
    } finally {
      db.close();
    }
    if (check.integrity.join() !== 'ok') problem('corrupt', check.integrity.join('; ').slice(0, 500));
    if (check.schema.version > check.schema.expected) {
      problem(
        'newer-schema',
        `schema version ${check.schema.version}, this Medic knows ${check.schema.expected}`,
      );
    }
    if (!fs.writeError) check.lock = lockState(path);
    if (check.lock === 'locked') problem('locked', 'SQLITE_BUSY: a write transaction stayed open for 2 s');
  } catch (err) {
    const p = classifyStoreError(err, path, () => fs);
    problem(p.kind, p.detail);
  }
  return check;
}
