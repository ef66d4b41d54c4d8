/**
 * DDL of the messages that carry a pending action's buttons (a report may be posted in several
 * threads: every thread that joined its run); appended to the migrations list as one version.
 */
export const pendingMessagesMigration = `CREATE TABLE pending_messages (
     pending_id TEXT NOT NULL,
     channel    TEXT NOT NULL,
     ts         TEXT NOT NULL,
     thread_ts  TEXT,
     PRIMARY KEY (pending_id, channel, ts)
   );`;
