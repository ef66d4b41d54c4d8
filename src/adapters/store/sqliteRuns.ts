import type Database from 'better-sqlite3';
import type { ReportSummary } from '../../core/model/reportSummary.js';
import type { RunRecord } from '../../core/model/runRecord.js';

interface RunRow {
  id: string;
  site: string;
  playbook: string;
  reason: string;
  started_at: string;
  ended_at: string;
  checks_done: number;
  checks_total: number;
  trigger: RunRecord['origin']['trigger'];
  requested_by: string | null;
}

/** Runs that ended without a report (`runsMigration`), as history lines beside the reports. */
export class SqliteRuns {
  constructor(private readonly db: Database.Database) {}

  save(run: RunRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO runs (id, site, playbook, state, reason, started_at, ended_at, checks_done,
           checks_total, trigger, requested_by, channel, thread_ts)
         VALUES (@id, @site, @playbook, @state, @reason, @started_at, @ended_at, @checks_done, @checks_total,
           @trigger, @requested_by, @channel, @thread_ts)`,
      )
      .run({
        id: run.id,
        site: run.site,
        playbook: run.playbook,
        state: run.state,
        reason: run.reason,
        started_at: run.startedAt,
        ended_at: run.endedAt,
        checks_done: run.checksDone,
        checks_total: run.checksTotal,
        trigger: run.origin.trigger,
        requested_by: run.origin.requestedBy ?? null,
        channel: run.origin.channel ?? null,
        thread_ts: run.origin.threadTs ?? null,
      });
  }

  /** The newest `limit` runs of a site as history lines (status `interrupted`). */
  history(site: string, limit: number): ReportSummary[] {
    const rows = this.db
      .prepare(
        `SELECT id, site, playbook, reason, started_at, ended_at, checks_done, checks_total, trigger, requested_by
         FROM runs WHERE site = ? ORDER BY started_at DESC LIMIT ?`,
      )
      .all(site, limit) as RunRow[];
    return rows.map((r) => ({
      id: r.id,
      site: r.site,
      playbook: r.playbook,
      status: 'interrupted',
      headline: `interrupted by ${r.reason} after ${r.checks_done}/${r.checks_total} checks`,
      topCause: null,
      startedAt: r.started_at,
      durationMs: Math.max(0, Date.parse(r.ended_at) - Date.parse(r.started_at)) || 0,
      trigger: r.trigger,
      requestedBy: r.requested_by,
    }));
  }
}
