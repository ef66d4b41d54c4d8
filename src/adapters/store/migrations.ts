import { pendingMessagesMigration } from './pendingMessagesMigration.js';
import { runsMigration } from './runsMigration.js';
import { schedulerLeaseMigration } from './schedulerLeaseMigration.js';
import { schedulesMigration } from './schedulesMigration.js';

/** Schema versions, applied in order inside a transaction; never edit a released one. */
export const migrations: readonly string[] = [
  `CREATE TABLE reports (
     id           TEXT PRIMARY KEY,
     site         TEXT NOT NULL,
     playbook     TEXT NOT NULL,
     status       TEXT NOT NULL,
     headline     TEXT NOT NULL,
     top_cause    TEXT,
     started_at   TEXT NOT NULL,
     duration_ms  INTEGER NOT NULL,
     trigger      TEXT NOT NULL,
     requested_by TEXT,
     channel      TEXT,
     thread_ts    TEXT,
     body         TEXT NOT NULL
   );
   CREATE INDEX reports_site_started ON reports (site, started_at DESC);`,
  `CREATE TABLE pending_actions (
     id           TEXT PRIMARY KEY,
     report_id    TEXT NOT NULL,
     site         TEXT NOT NULL,
     action_id    TEXT NOT NULL,
     risk         TEXT NOT NULL,
     requested_by TEXT NOT NULL,
     channel      TEXT,
     thread_ts    TEXT,
     created_at   TEXT NOT NULL,
     expires_at   TEXT NOT NULL,
     state        TEXT NOT NULL,
     decided_by   TEXT,
     decided_at   TEXT,
     body         TEXT NOT NULL
   );
   CREATE TABLE audit_log (
     seq        INTEGER PRIMARY KEY AUTOINCREMENT,
     at         TEXT NOT NULL,
     site       TEXT NOT NULL,
     pending_id TEXT,
     event      TEXT NOT NULL,
     actor      TEXT,
     detail     TEXT NOT NULL
   );
   CREATE INDEX audit_site ON audit_log (site, seq);`,
  `CREATE INDEX pending_due ON pending_actions (state, expires_at);
   CREATE TABLE heal_runs (
     site      TEXT NOT NULL,
     action_id TEXT NOT NULL,
     at        TEXT NOT NULL
   );
   CREATE INDEX heal_runs_key ON heal_runs (site, action_id, at);
   CREATE TABLE heal_breakers (
     site      TEXT NOT NULL,
     action_id TEXT NOT NULL,
     opened_at TEXT NOT NULL,
     reason    TEXT NOT NULL,
     PRIMARY KEY (site, action_id)
   );`,
  schedulesMigration,
  schedulerLeaseMigration,
  runsMigration,
  pendingMessagesMigration,
];
