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
}

/** The `unit-state` fact: the state plus whether it counts as running (absent when not installed). */
export interface UnitStateFact extends UnitState {
  running?: boolean;
}
