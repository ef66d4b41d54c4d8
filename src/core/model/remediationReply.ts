import type { ProposedAction } from './action.js';
import type { AuditEntry } from './audit.js';
import type { Execution } from './execution.js';

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
