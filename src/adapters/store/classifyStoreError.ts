import { accessSync, constants, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreProblem, StoreProblemKind } from '../../core/model/storeProblem.js';

/** What the file system says about the store's folder, when SQLite's code alone does not tell. */
export interface FsState {
  /** `access(W_OK)` of the folder: EROFS, EACCES, ENOENT …; undefined when writable. */
  writeError?: string | undefined;
  /** Bytes this process may still write there; undefined when unknown. */
  freeBytes?: number | undefined;
}

/** The real file system state of the folder holding `path`. */
export function probeFs(path: string): FsState {
  const dir = dirname(path);
  const state: FsState = {};
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    state.writeError = (err as NodeJS.ErrnoException).code ?? 'unknown';
  }
  try {
    const s = statfsSync(dir);
    // root may use the blocks reserved for it; everyone else only what is available.
    state.freeBytes = (process.getuid?.() === 0 ? s.bfree : s.bavail) * s.bsize;
  } catch {
    // no such folder yet, or no statfs: unknown
  }
  return state;
}

const byCode: Array<[RegExp, StoreProblemKind]> = [
  [/^(SQLITE_FULL|ENOSPC|EDQUOT)$/, 'disk-full'],
  [/^(SQLITE_NOTADB)$/, 'not-a-database'],
  [/^SQLITE_CORRUPT/, 'corrupt'],
  [/^(SQLITE_BUSY|SQLITE_LOCKED)/, 'locked'],
  [/^(EROFS)$/, 'read-only'],
  [/^(EACCES|EPERM|SQLITE_PERM|SQLITE_AUTH)$/, 'no-access'],
];

/** What the folder's state explains, when it explains anything. */
function fromFs(fs: FsState): StoreProblemKind | undefined {
  if (fs.writeError === 'EROFS') return 'read-only';
  if (fs.writeError === 'EACCES' || fs.writeError === 'EPERM') return 'no-access';
  if (fs.freeBytes === 0) return 'disk-full';
  return undefined;
}

/**
 * The real reason a store operation failed, from the error (SQLite's extended code or the
 * system's errno) and, for the codes that hide it (SQLITE_CANTOPEN, SQLITE_READONLY, I/O errors),
 * the state of the store's folder: a read-only mount, missing permissions or no space left.
 */
export function classifyStoreError(
  err: unknown,
  path: string,
  fs: () => FsState = () => probeFs(path),
): StoreProblem {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const detail = code ? `${code}: ${message}` : message;
  const direct = byCode.find(([re]) => re.test(code))?.[1];
  if (direct) return { kind: direct, path, detail };
  const seen = fromFs(fs());
  if (seen) return { kind: seen, path, detail };
  if (/^SQLITE_READONLY/.test(code)) return { kind: 'read-only', path, detail };
  if (/^(SQLITE_IOERR|SQLITE_CANTOPEN|EIO)/.test(code)) return { kind: 'io-error', path, detail };
  return { kind: 'other', path, detail };
}
