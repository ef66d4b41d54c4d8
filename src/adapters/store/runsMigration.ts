/**
 * DDL of the runs that ended without a report (interrupted by shutdown), shown in history beside
 * the reports; appended to the migrations list as one version.
 */
export const runsMigration = `CREATE TABLE runs (
     id           TEXT PRIMARY KEY,
     site         TEXT NOT NULL,
     playbook     TEXT NOT NULL,
     state        TEXT NOT NULL,
     reason       TEXT NOT NULL,
     started_at   TEXT NOT NULL,
     ended_at     TEXT NOT NULL,
     checks_done  INTEGER NOT NULL,
     checks_total INTEGER NOT NULL,
     trigger      TEXT NOT NULL,
     requested_by TEXT,
     channel      TEXT,
     thread_ts    TEXT
   );
   CREATE INDEX runs_site_started ON runs (site, started_at DESC);`;
