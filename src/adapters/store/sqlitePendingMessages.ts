import type Database from 'better-sqlite3';
import type { PostedMessage } from '../../core/remediation/buttonPlace.js';

/** Where a pending action's buttons were posted (table `pending_messages`). */
export class SqlitePendingMessages {
  constructor(private readonly db: Database.Database) {}

  bind(pendingId: string, m: PostedMessage): void {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO pending_messages (pending_id, channel, ts, thread_ts) VALUES (?, ?, ?, ?)',
      )
      .run(pendingId, m.channel, m.ts, m.threadTs ?? null);
  }

  of(pendingId: string): PostedMessage[] {
    const rows = this.db
      .prepare(
        'SELECT channel, ts, thread_ts AS threadTs FROM pending_messages WHERE pending_id = ? ORDER BY rowid',
      )
      .all(pendingId) as Array<{ channel: string; ts: string; threadTs: string | null }>;
    return rows.map((r) => ({
      channel: r.channel,
      ts: r.ts,
      ...(r.threadTs ? { threadTs: r.threadTs } : {}),
    }));
  }
}
