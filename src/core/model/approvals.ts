/** One approvable action of a report: its opaque pending id (the buttons' value). */
export interface PendingButton {
  id: string;
  /** A rollback's steps as resolved on the host when proposed: exactly what approval runs. */
  steps?: string[];
}

/** Action id → its pending action, for the buttons of one report. */
export type Approvals = Record<string, PendingButton>;
