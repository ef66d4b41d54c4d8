import type Database from 'better-sqlite3';
import type { IncidentState } from '../../core/scheduler/incidentState.js';
import { initialIncidentState } from '../../core/scheduler/incidentTracker.js';
import type { Schedule } from '../../core/scheduler/schedule.js';
import type { ScheduleRuntime, ScheduleStore, StoredSchedule } from '../../core/scheduler/scheduleStore.js';
import { SqliteSchedulerLease } from './sqliteSchedulerLease.js';

interface Row {
  id: string;
  cron: string;
  timezone: string;
  site: string;
  playbook: string | null;
  channel: string | null;
  remind_every_minutes: number;
  missed_grace_seconds: number | null;
  paused: number;
  source: Schedule['source'];
  created_by: string | null;
  created_at: string;
  last_run_at: string | null;
  next_run_at: string | null;
  incident: string | null;
  failed_code: string | null;
}

function toStored(r: Row): StoredSchedule {
  const schedule: Schedule = {
    id: r.id,
    cron: r.cron,
    timezone: r.timezone,
    site: r.site,
    ...(r.playbook !== null && { playbook: r.playbook }),
    ...(r.channel !== null && { channel: r.channel }),
    remindEveryMinutes: r.remind_every_minutes,
    ...(r.missed_grace_seconds !== null && { missedGraceSeconds: r.missed_grace_seconds }),
    paused: r.paused !== 0,
    source: r.source,
    ...(r.created_by !== null && { createdBy: r.created_by }),
    createdAt: r.created_at,
  };
  const runtime: ScheduleRuntime = {
    ...(r.last_run_at !== null && { lastRunAt: r.last_run_at }),
    ...(r.next_run_at !== null && { nextRunAt: r.next_run_at }),
    incident: r.incident === null ? { ...initialIncidentState } : (JSON.parse(r.incident) as IncidentState),
    ...(r.failed_code !== null && { failedCode: r.failed_code }),
  };
  return { schedule, runtime };
}

/** ScheduleStore in the store's SQLite file (tables from `schedulesMigration` and `schedulerLeaseMigration`). */
export class SqliteSchedules implements ScheduleStore {
  /** Other Medic processes may open the same file: only the lease holder runs schedules. */
  readonly lease: SqliteSchedulerLease;

  constructor(private readonly db: Database.Database) {
    this.lease = new SqliteSchedulerLease(db);
  }

  async list(): Promise<StoredSchedule[]> {
    const rows = this.db
      .prepare(
        `SELECT s.*, r.last_run_at, r.next_run_at, r.incident, r.failed_code
         FROM schedules s LEFT JOIN schedule_runtime r ON r.schedule_id = s.id ORDER BY s.id`,
      )
      .all() as Row[];
    return rows.map(toStored);
  }

  async upsert(s: Schedule): Promise<void> {
    this.write(
      s,
      `ON CONFLICT (id) DO UPDATE SET cron = excluded.cron, timezone = excluded.timezone, site = excluded.site,
         playbook = excluded.playbook, channel = excluded.channel, remind_every_minutes = excluded.remind_every_minutes,
         missed_grace_seconds = excluded.missed_grace_seconds, paused = excluded.paused, source = excluded.source,
         created_by = excluded.created_by, created_at = excluded.created_at`,
    );
  }

  async insert(s: Schedule): Promise<boolean> {
    return this.write(s, 'ON CONFLICT (id) DO NOTHING') === 1;
  }

  /** INSERT with the given conflict clause; the number of rows changed. */
  private write(s: Schedule, onConflict: string): number {
    return this.db
      .prepare(
        `INSERT INTO schedules (id, cron, timezone, site, playbook, channel, remind_every_minutes, missed_grace_seconds, paused, source, created_by, created_at)
         VALUES (@id, @cron, @timezone, @site, @playbook, @channel, @remind, @grace, @paused, @source, @createdBy, @createdAt)
         ${onConflict}`,
      )
      .run({
        id: s.id,
        cron: s.cron,
        timezone: s.timezone,
        site: s.site,
        playbook: s.playbook ?? null,
        channel: s.channel ?? null,
        remind: s.remindEveryMinutes,
        grace: s.missedGraceSeconds ?? null,
        paused: s.paused ? 1 : 0,
        source: s.source,
        createdBy: s.createdBy ?? null,
        createdAt: s.createdAt,
      }).changes;
  }

  async remove(id: string): Promise<boolean> {
    const tx = this.db.transaction(() => {
      this.db.prepare('DELETE FROM schedule_runtime WHERE schedule_id = ?').run(id);
      return this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes === 1;
    });
    return tx();
  }

  async setPaused(id: string, paused: boolean): Promise<boolean> {
    return (
      this.db.prepare('UPDATE schedules SET paused = ? WHERE id = ?').run(paused ? 1 : 0, id).changes === 1
    );
  }

  async saveRuntime(id: string, runtime: ScheduleRuntime): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO schedule_runtime (schedule_id, last_run_at, next_run_at, incident, failed_code)
         SELECT @id, @last, @next, @incident, @failed WHERE EXISTS (SELECT 1 FROM schedules WHERE id = @id)
         ON CONFLICT (schedule_id) DO UPDATE SET last_run_at = excluded.last_run_at,
           next_run_at = excluded.next_run_at, incident = excluded.incident, failed_code = excluded.failed_code`,
      )
      .run({
        id,
        last: runtime.lastRunAt ?? null,
        next: runtime.nextRunAt ?? null,
        incident: JSON.stringify(runtime.incident),
        failed: runtime.failedCode ?? null,
      });
  }
}
