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
];
