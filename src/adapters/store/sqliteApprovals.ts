import type Database from 'better-sqlite3';
import type { AuditEntry, AuditInput } from '../../core/model/audit.js';
import type { PostedMessage } from '../../core/remediation/buttonPlace.js';
import type { HealKey, PendingRecord, RemediationStore } from '../../core/remediation/remediationStore.js';
import { SqlitePendingMessages } from './sqlitePendingMessages.js';

export type { AuditEntry } from '../../core/model/audit.js';

type PendingRow = Omit<
  PendingRecord,
  'action' | 'causes' | 'evidence' | 'channel' | 'threadTs' | 'plannedSteps' | 'pinError' | 'playbook'
> & {
  channel: string | null;
  threadTs: string | null;
  body: string;
};

const pendingColumns =
  'id, report_id AS reportId, site, action_id AS actionId, risk, requested_by AS requestedBy, channel, thread_ts AS threadTs, created_at AS createdAt, expires_at AS expiresAt, state, body';

function fromRow(r: PendingRow): PendingRecord {
  const body = JSON.parse(r.body) as Pick<
    PendingRecord,
    'action' | 'causes' | 'evidence' | 'plannedSteps' | 'pinError' | 'playbook'
  >;
  const { body: _b, channel, threadTs, ...rest } = r;
  return {
    ...rest,
    ...(channel ? { channel } : {}),
    ...(threadTs ? { threadTs } : {}),
    action: body.action,
    causes: body.causes ?? [],
    evidence: body.evidence ?? [],
    ...(body.plannedSteps ? { plannedSteps: body.plannedSteps } : {}),
    ...(body.pinError ? { pinError: body.pinError } : {}),
    ...(body.playbook ? { playbook: body.playbook } : {}),
  };
}

/**
 * Pending approvals, the audit log and the self-healing budget in the store's SQLite file. A
 * state change is a compare-and-set: of two clicks (or a Slack retry) racing to approve,
 * exactly one wins, also across processes.
 */
export class SqliteApprovals implements RemediationStore {
  private readonly messages: SqlitePendingMessages;

  constructor(private readonly db: Database.Database) {
    this.messages = new SqlitePendingMessages(db);
  }

  async bindMessage(pendingId: string, message: PostedMessage): Promise<void> {
    this.messages.bind(pendingId, message);
  }

  async postedMessages(pendingId: string): Promise<PostedMessage[]> {
    return this.messages.of(pendingId);
  }

  async createPending(p: PendingRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO pending_actions (id, report_id, site, action_id, risk, requested_by, channel, thread_ts, created_at, expires_at, state, body)
         VALUES (@id, @reportId, @site, @actionId, @risk, @requestedBy, @channel, @threadTs, @createdAt, @expiresAt, @state, @body)`,
      )
      .run({
        id: p.id,
        reportId: p.reportId,
        site: p.site,
        actionId: p.actionId,
        risk: p.risk,
        requestedBy: p.requestedBy,
        channel: p.channel ?? null,
        threadTs: p.threadTs ?? null,
        createdAt: p.createdAt,
        expiresAt: p.expiresAt,
        state: p.state,
        body: JSON.stringify({
          action: p.action,
          causes: p.causes,
          evidence: p.evidence,
          ...(p.plannedSteps ? { plannedSteps: p.plannedSteps } : {}),
          ...(p.pinError ? { pinError: p.pinError } : {}),
          ...(p.playbook ? { playbook: p.playbook } : {}),
        }),
      });
  }

  async getPending(id: string): Promise<PendingRecord | undefined> {
    const r = this.db.prepare(`SELECT ${pendingColumns} FROM pending_actions WHERE id = ?`).get(id) as
      | PendingRow
      | undefined;
    return r ? fromRow(r) : undefined;
  }

  async transition(
    id: string,
    from: PendingRecord['state'],
    to: PendingRecord['state'],
    actor: string,
    at: string,
  ): Promise<boolean> {
    const res = this.db
      .prepare(
        'UPDATE pending_actions SET state = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = ?',
      )
      .run(to, actor, at, id, from);
    return res.changes === 1;
  }

  async pendingDue(now: string): Promise<PendingRecord[]> {
    const rows = this.db
      .prepare(`SELECT ${pendingColumns} FROM pending_actions WHERE state = 'pending' AND expires_at <= ?`)
      .all(now) as PendingRow[];
    return rows.map(fromRow);
  }

  async audit(e: AuditInput): Promise<void> {
    this.db
      .prepare('INSERT INTO audit_log (at, site, pending_id, event, actor, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.at, e.site, e.pendingId, e.event, e.actor, JSON.stringify(e.detail));
  }

  async auditLog(filter: { site?: string; limit: number }): Promise<AuditEntry[]> {
    const select = 'SELECT seq, at, site, pending_id AS pendingId, event, actor, detail FROM audit_log';
    const rows = (
      filter.site === undefined
        ? this.db.prepare(`${select} ORDER BY seq DESC LIMIT ?`).all(filter.limit)
        : this.db.prepare(`${select} WHERE site = ? ORDER BY seq DESC LIMIT ?`).all(filter.site, filter.limit)
    ) as Array<Omit<AuditEntry, 'detail'> & { detail: string }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  async claimHealRun(
    key: HealKey,
    since: string,
    max: number,
    at: string,
  ): Promise<{ ok: boolean; runs: number }> {
    const claim = this.db.transaction(() => {
      const { n } = this.db
        .prepare('SELECT COUNT(*) AS n FROM heal_runs WHERE site = ? AND action_id = ? AND at > ?')
        .get(key.site, key.actionId, since) as { n: number };
      if (n >= max) return { ok: false, runs: n };
      this.db
        .prepare('INSERT INTO heal_runs (site, action_id, at) VALUES (?, ?, ?)')
        .run(key.site, key.actionId, at);
      return { ok: true, runs: n + 1 };
    });
    return claim.immediate();
  }

  async resetHealRuns(key: HealKey): Promise<void> {
    this.db.prepare('DELETE FROM heal_runs WHERE site = ? AND action_id = ?').run(key.site, key.actionId);
  }

  async breaker(key: HealKey): Promise<{ openedAt: string; reason: string } | undefined> {
    return this.db
      .prepare('SELECT opened_at AS openedAt, reason FROM heal_breakers WHERE site = ? AND action_id = ?')
      .get(key.site, key.actionId) as { openedAt: string; reason: string } | undefined;
  }

  async openBreakers(site: string): Promise<Array<HealKey & { openedAt: string; reason: string }>> {
    return this.db
      .prepare(
        'SELECT site, action_id AS actionId, opened_at AS openedAt, reason FROM heal_breakers WHERE site = ? ORDER BY opened_at',
      )
      .all(site) as Array<HealKey & { openedAt: string; reason: string }>;
  }

  async setBreaker(key: HealKey, state: { openedAt: string; reason: string } | undefined): Promise<void> {
    if (state) {
      this.db
        .prepare(
          'INSERT OR REPLACE INTO heal_breakers (site, action_id, opened_at, reason) VALUES (?, ?, ?, ?)',
        )
        .run(key.site, key.actionId, state.openedAt, state.reason);
    } else {
      this.db
        .prepare('DELETE FROM heal_breakers WHERE site = ? AND action_id = ?')
        .run(key.site, key.actionId);
    }
  }
}
