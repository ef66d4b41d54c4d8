/** pm2 apps, as `pm2 jlist` of their user describes them. */

export interface Pm2AppFact {
  app: string;
  user: string;
  /** pm2's status, or `degraded` when some instances are online and others not. */
  status: string;
  restarts: number;
  unstableRestarts: number;
  exitCode: number | null;
  memory: number;
  maxMemoryRestart: number | null;
  uptimeMs: number | null;
  instances: number;
  /** The last lines of its error log, redacted. */
  errLog: string[];
}

export interface Pm2MemoryFact {
  app: string;
  memory: number;
  maxMemoryRestart: number;
}

export interface Pm2AppMissingFact {
  app: string;
  user: string;
  apps: string[];
}

export interface Pm2DaemonDownFact {
  app: string;
  user: string;
}
