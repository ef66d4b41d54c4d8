import { MedicError } from '../errors.js';

/** Why the store (the history, approvals and audit file) cannot be used right now. */
export type StoreProblemKind =
  | 'disk-full'
  | 'read-only'
  | 'no-access'
  | 'not-a-database'
  | 'corrupt'
  | 'locked'
  | 'io-error'
  /** Written by a newer Medic (schema version above what this one knows). */
  | 'newer-schema'
  | 'other';

/** Neutral data: adapters word it ("not saved: disk full at …") and say what to do. */
export interface StoreProblem {
  kind: StoreProblemKind;
  /** The store's file, as configured. */
  path: string;
  /** What the library or the system said, for the log and for operators (e.g. "SQLITE_FULL: …"). */
  detail: string;
}

/** The problem in a few plain words, without markup: "disk full at /var/lib/medic/medic.db". */
export function storeProblemText(p: StoreProblem): string {
  const at = p.path || 'the store';
  switch (p.kind) {
    case 'disk-full':
      return `disk full at ${at}`;
    case 'read-only':
      return `read-only file system at ${at}`;
    case 'no-access':
      return `no permission to write ${at}`;
    case 'not-a-database':
      return `${at} is not a database`;
    case 'corrupt':
      return `the database at ${at} is corrupt`;
    case 'locked':
      return `${at} is locked by another process`;
    case 'io-error':
      return `I/O error at ${at}`;
    case 'newer-schema':
      return `${at} was written by a newer Medic (${p.detail.slice(0, 100)})`;
    default:
      return `the store at ${at} failed (${p.detail.slice(0, 200)})`;
  }
}

/** A store that cannot be opened or written; `code` is `store.<kind>`. */
export class StoreError extends MedicError {
  constructor(
    readonly problem: StoreProblem,
    options?: { cause?: unknown },
  ) {
    super(`store.${problem.kind}`, storeProblemText(problem), options);
    this.name = 'StoreError';
  }
}

export function isStoreError(err: unknown): err is StoreError {
  return err instanceof StoreError;
}
