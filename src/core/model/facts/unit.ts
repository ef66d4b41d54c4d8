/** What `systemctl show` says about one unit. */
export interface UnitState {
  unit: string;
  loadState: string;
  activeState: string;
  subState: string;
  result: string;
  nRestarts: number;
  /** `exited`, `killed` or `dumped` (CLD_* codes 1..3), empty when the main process never ran. */
  execMainCode: string;
  execMainStatus: number;
  stateChangeTimestamp: string;
  /** `simple`, `notify`, `forking`, `oneshot`, … (empty when systemctl did not say). */
  type: string;
  /** The main command line (redacted), from ExecStart. */
  execStart: string;
}

/** The `unit-state` fact: the state plus whether it counts as running (absent when not installed). */
export interface UnitStateFact extends UnitState {
  running?: boolean;
}

/** One service of `systemctl list-units`, and whether it is enabled. */
export interface ServiceUnitRow {
  unit: string;
  load: string;
  active: string;
  sub: string;
  description: string;
  enabled: boolean;
  /** Running again after systemd restarted it this often, within the restart window. */
  restarts?: number;
  restartedSecondsAgo?: number;
}

/** Services that should run and do not (failed, restarting, enabled but inactive). */
export interface UnitListFact {
  suspects: ServiceUnitRow[];
  /** How many services the host has loaded. */
  services: number;
}

/**
 * What a backend's own log says (the unit's journal, php-fpm's log): one kind of event, how
 * often, the last time, and its telling detail (a signal, a result, the error line, the request).
 */
export interface BackendEventFact {
  source: 'journal' | 'php-fpm';
  /** The unit or pool the log is about. */
  subject: string;
  /** The parser's kind: `main-exited`, `unit-failed`, `worker-timeout`, `child-signal`, `exception`, … */
  event: string;
  count: number;
  /** The last time it happened, as logged. */
  last: string;
  detail: string | null;
}

/** A journal read and nothing telling in it (so its absence of crashes is known, not assumed). */
export interface JournalQuietFact {
  unit: string;
  lines: number;
  minutes: number;
}
