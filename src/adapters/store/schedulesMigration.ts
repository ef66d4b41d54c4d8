/** DDL of the scheduler's tables; appended to the migrations list as one version. */
export const schedulesMigration = `CREATE TABLE schedules (
     id                   TEXT PRIMARY KEY,
     cron                 TEXT NOT NULL,
     timezone             TEXT NOT NULL,
     site                 TEXT NOT NULL,
     playbook             TEXT,
     channel              TEXT,
     remind_every_minutes INTEGER NOT NULL,
     missed_grace_seconds INTEGER,
     paused               INTEGER NOT NULL DEFAULT 0,
     source               TEXT NOT NULL,
     created_by           TEXT,
     created_at           TEXT NOT NULL
   );
   CREATE TABLE schedule_runtime (
     schedule_id TEXT PRIMARY KEY,
     last_run_at TEXT,
     next_run_at TEXT,
     incident    TEXT NOT NULL
   );`;
