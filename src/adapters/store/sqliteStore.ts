import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { Report } from '../../core/model/report.js';
import type { RunRecord } from '../../core/model/runRecord.js';
import { isStoreError, StoreError } from '../../core/model/storeProblem.js';
import type { ReportSummary, RunOrigin, Store } from '../../core/ports.js';
import { lazyModule } from '../lazyModule.js';
import { classifyStoreError, probeFs } from './classifyStoreError.js';
import { migrations } from './migrations.js';
import { SqliteApprovals } from './sqliteApprovals.js';
import { SqliteRuns } from './sqliteRuns.js';
import { SqliteSchedules } from './sqliteSchedules.js';

const sqlite = lazyModule<typeof Database>('better-sqlite3');

interface Row {
  id: string;
  site: string;
  playbook: string;
  status: ReportSummary['status'];
  headline: string;
  top_cause: string | null;
  started_at: string;
  duration_ms: number;
  trigger: RunOrigin['trigger'];
  requested_by: string | null;
}

const summary = (r: Row): ReportSummary => ({
  id: r.id,
  site: r.site,
  playbook: r.playbook,
  status: r.status,
  headline: r.headline,
  topCause: r.top_cause,
  startedAt: r.started_at,
  durationMs: r.duration_ms,
  trigger: r.trigger,
  requestedBy: r.requested_by,
});

const columns =
  'id, site, playbook, status, headline, top_cause, started_at, duration_ms, trigger, requested_by';

/**
 * The default store: one SQLite file (WAL), schema migrated on open. Whatever it cannot do
 * (open, migrate, write) fails with a `StoreError` naming the real reason: disk full, read-only
 * file system, no permission, not a database, corrupt, locked by another process.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  /** Pending approvals and the audit log (remediation), in the same file. */
  readonly approvals: SqliteApprovals;
  /** Schedules and their runtime state (scheduler). */
  readonly schedules: SqliteSchedules;
  private readonly runs: SqliteRuns;

  constructor(
    readonly path: string,
    /** `verify`: a quick_check of every page first (serve does, once at start). */
    opts: { busyTimeoutMs?: number; verify?: boolean } = {},
  ) {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new (sqlite())(path);
    } catch (err) {
      throw this.failure(err);
    }
    try {
      this.db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
      this.db.pragma('journal_mode = WAL');
      this.migrate();
      if (opts.verify) this.verify();
      // An existing store on a full disk opens fine, and then loses every report: say so now.
      if (path !== ':memory:' && probeFs(path).freeBytes === 0) {
        throw new StoreError({ kind: 'disk-full', path, detail: 'ENOSPC: no space left on the file system' });
      }
      this.approvals = new SqliteApprovals(this.db);
      this.schedules = new SqliteSchedules(this.db);
      this.runs = new SqliteRuns(this.db);
    } catch (err) {
      this.db.close();
      throw this.failure(err);
    }
  }

  /** A damaged file is refused now, not found out report by report. */
  private verify(): void {
    const found = (this.db.pragma('quick_check(5)') as Array<{ quick_check: string }>).map(
      (r) => r.quick_check,
    );
    if (found.join() !== 'ok') {
      throw new StoreError({ kind: 'corrupt', path: this.path, detail: `quick_check: ${found.join('; ')}` });
    }
  }

  private failure(err: unknown): StoreError {
    return isStoreError(err) ? err : new StoreError(classifyStoreError(err, this.path), { cause: err });
  }

  /** Run one operation on the file; what fails becomes a StoreError with its real reason. */
  private use<T>(op: () => T): T {
    try {
      return op();
    } catch (err) {
      throw this.failure(err);
    }
  }

  /**
   * Apply pending migrations. Several Medic processes may open a new file at once (the bot and
   * an operator's CLI): the version is read and advanced inside one IMMEDIATE transaction, so
   * exactly one of them migrates and the others wait (busy_timeout) and find nothing to do.
   */
  private migrate(): void {
    const run = this.db.transaction(() => {
      const version = this.db.pragma('user_version', { simple: true }) as number;
      if (version > migrations.length) {
        const detail = `schema version ${version}, this Medic knows ${migrations.length}`;
        throw new StoreError({ kind: 'newer-schema', path: this.path, detail });
      }
      for (let v = version; v < migrations.length; v++) this.db.exec(migrations[v] as string);
      if (version < migrations.length) this.db.pragma(`user_version = ${migrations.length}`);
    });
    run.immediate();
  }

  async saveReport(report: Report, origin: RunOrigin): Promise<void> {
    this.use(() => this.insertReport(report, origin));
  }

  async saveRun(run: RunRecord): Promise<void> {
    this.use(() => this.runs.save(run));
  }

  private insertReport(report: Report, origin: RunOrigin): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO reports (${columns}, channel, thread_ts, body)
         VALUES (@id, @site, @playbook, @status, @headline, @top_cause, @started_at, @duration_ms, @trigger, @requested_by, @channel, @thread_ts, @body)`,
      )
      .run({
        id: report.id,
        site: report.site,
        playbook: report.playbook,
        status: report.status,
        headline: report.headline,
        top_cause: report.causes[0]?.id ?? null,
        started_at: report.startedAt,
        duration_ms: report.durationMs,
        trigger: origin.trigger,
        requested_by: origin.requestedBy ?? null,
        channel: origin.channel ?? null,
        thread_ts: origin.threadTs ?? null,
        body: JSON.stringify(report),
      });
  }

  async getReport(id: string): Promise<Report | undefined> {
    const row = this.use(() => this.db.prepare('SELECT body FROM reports WHERE id = ?').get(id)) as
      | { body: string }
      | undefined;
    return row ? (JSON.parse(row.body) as Report) : undefined;
  }

  async history(site: string, limit: number, playbook?: string): Promise<ReportSummary[]> {
    const reports = this.use(() => this.reportHistory(site, limit, playbook));
    if (playbook !== undefined) return reports;
    // Runs that ended without a report belong to the site's history too.
    return [...reports, ...this.use(() => this.runs.history(site, limit))]
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, limit);
  }

  private reportHistory(site: string, limit: number, playbook?: string): ReportSummary[] {
    const rows = (
      playbook === undefined
        ? this.db
            .prepare(`SELECT ${columns} FROM reports WHERE site = ? ORDER BY started_at DESC LIMIT ?`)
            .all(site, limit)
        : this.db
            .prepare(
              `SELECT ${columns} FROM reports WHERE site = ? AND playbook = ? ORDER BY started_at DESC LIMIT ?`,
            )
            .all(site, playbook, limit)
    ) as Row[];
    return rows.map(summary);
  }

  async latestPerSite(): Promise<ReportSummary[]> {
    const rows = this.use(() =>
      this.db
        .prepare(
          `SELECT ${columns} FROM reports r WHERE started_at = (SELECT MAX(started_at) FROM reports WHERE site = r.site) ORDER BY site`,
        )
        .all(),
    ) as Row[];
    return rows.map(summary);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
