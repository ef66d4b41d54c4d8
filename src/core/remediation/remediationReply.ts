import type { ProposedAction } from '../model/action.js';
import type { Execution } from './executePlan.js';
import type { AuditEntry } from './remediationStore.js';

/** One approvable action of a report: its opaque pending id (the buttons' value). */
export interface PendingButton {
  id: string;
  /** A rollback's steps as resolved on the host when proposed: exactly what approval runs. */
  steps?: string[];
}

/** Action id → its pending action, for the buttons of one report. */
export type Approvals = Record<string, PendingButton>;

/** Neutral messages about remediation; chat adapters render them. */
export type RemediationReply =
  | { type: 'remediation-refused'; code: string; message: string }
  | { type: 'remediation-rejected'; site: string; action: ProposedAction; by: string }
  | {
      type: 'remediation-started';
      site: string;
      action: ProposedAction;
      by: string;
      /** Self-healing: no human clicked, a policy rule allowed it. */
      auto: boolean;
      steps: string[];
    }
  | { type: 'remediation-done'; site: string; action: ProposedAction; execution: Execution }
  | {
      type: 'remediation-verified';
      site: string;
      action: ProposedAction;
      recovered: boolean;
      seconds: number;
      headline: string;
    }
  | {
      type: 'dry-run';
      site: string;
      action: ProposedAction;
      steps: string[];
      error?: { code: string; message: string };
    }
  | {
      type: 'heal-paused';
      site: string;
      action: ProposedAction;
      /** True when this diagnosis opened the breaker (tell humans once, loudly). */
      opened: boolean;
      reason: string;
    }
  | { type: 'audit'; site: string | undefined; entries: AuditEntry[] };
