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
}

/** Services that should run and do not (failed, restarting, enabled but inactive). */
export interface UnitListFact {
  suspects: ServiceUnitRow[];
  /** How many services the host has loaded. */
  services: number;
}
