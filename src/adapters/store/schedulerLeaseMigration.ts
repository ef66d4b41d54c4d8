/**
 * DDL of the scheduler lease (one row: who runs the schedules, until when, in ms since the
 * epoch) and of the persisted run-failure streak; appended to the migrations list as one version.
 */
export const schedulerLeaseMigration = `CREATE TABLE scheduler_lease (
     id         INTEGER PRIMARY KEY CHECK (id = 1),
     owner      TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );
   ALTER TABLE schedule_runtime ADD COLUMN failed_code TEXT;`;
