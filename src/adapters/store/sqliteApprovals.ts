import type Database from 'better-sqlite3';
import type { PendingApproval } from '../../core/remediation/approvalPolicy.js';

export interface AuditEntry {
  seq: number;
  at: string;
  site: string;
  pendingId: string | null;
  event: string;
  actor: string | null;
  detail: Record<string, unknown>;
}

/**
 * Pending approvals and the audit log in the store's SQLite file. A state change is a
 * compare-and-set: of two clicks (or a Slack retry) racing to approve, exactly one wins.
 */
export class SqliteApprovals {
  constructor(private readonly db: Database.Database) {}

  create(
    p: PendingApproval & { channel?: string; threadTs?: string; createdAt: string; body: unknown },
  ): void {
    this.db
      .prepare(
        `INSERT INTO pending_actions (id, report_id, site, action_id, risk, requested_by, channel, thread_ts, created_at, expires_at, state, body)
         VALUES (@id, @reportId, @site, @actionId, @risk, @requestedBy, @channel, @threadTs, @createdAt, @expiresAt, @state, @body)`,
      )
      .run({ ...p, channel: p.channel ?? null, threadTs: p.threadTs ?? null, body: JSON.stringify(p.body) });
  }

  get(id: string): PendingApproval | undefined {
    const r = this.db
      .prepare(
        'SELECT id, report_id AS reportId, site, action_id AS actionId, risk, requested_by AS requestedBy, expires_at AS expiresAt, state FROM pending_actions WHERE id = ?',
      )
      .get(id) as PendingApproval | undefined;
    return r;
  }

  /** Move `from` → `to` only if it is still `from`; true when this call made the change. */
  transition(
    id: string,
    from: PendingApproval['state'],
    to: PendingApproval['state'],
    actor: string,
    at: string,
  ): boolean {
    const res = this.db
      .prepare(
        'UPDATE pending_actions SET state = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = ?',
      )
      .run(to, actor, at, id, from);
    return res.changes === 1;
  }

  audit(e: Omit<AuditEntry, 'seq'>): void {
    this.db
      .prepare('INSERT INTO audit_log (at, site, pending_id, event, actor, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.at, e.site, e.pendingId, e.event, e.actor, JSON.stringify(e.detail));
  }

  auditOf(site: string, limit: number): AuditEntry[] {
    const rows = this.db
      .prepare(
        'SELECT seq, at, site, pending_id AS pendingId, event, actor, detail FROM audit_log WHERE site = ? ORDER BY seq DESC LIMIT ?',
      )
      .all(site, limit) as Array<Omit<AuditEntry, 'detail'> & { detail: string }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
