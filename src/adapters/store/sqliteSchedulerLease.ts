import type Database from 'better-sqlite3';
import type { LeaseResult, SchedulerLease } from '../../core/scheduler/schedulerLease.js';

interface LeaseRow {
  owner: string;
  expires_at: number;
}

/**
 * The scheduler lease as one row of the store's SQLite file (`schedulerLeaseMigration`). It is
 * read and written in one BEGIN IMMEDIATE transaction, so of several processes on the file
 * exactly one holds it at a time; the others wait (busy_timeout) and see who does.
 */
export class SqliteSchedulerLease implements SchedulerLease {
  constructor(private readonly db: Database.Database) {}

  async acquire(owner: string, now: Date, ttlMs: number): Promise<LeaseResult> {
    const take = this.db.transaction((at: number, until: number): LeaseResult => {
      const row = this.db.prepare('SELECT owner, expires_at FROM scheduler_lease WHERE id = 1').get() as
        | LeaseRow
        | undefined;
      if (row && row.owner !== owner && row.expires_at > at) return { held: false, holder: row.owner };
      this.db
        .prepare(
          `INSERT INTO scheduler_lease (id, owner, expires_at) VALUES (1, ?, ?)
           ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
        )
        .run(owner, until);
      return { held: true, holder: owner };
    });
    return take.immediate(now.getTime(), now.getTime() + ttlMs);
  }

  async release(owner: string): Promise<void> {
    this.db.prepare('DELETE FROM scheduler_lease WHERE id = 1 AND owner = ?').run(owner);
  }
}
