import type { ProposedAction } from '../model/action.js';
import type { AuditEntry, AuditInput } from '../model/audit.js';
import type { PendingApproval } from './approvalPolicy.js';
import type { PostedMessage } from './buttonPlace.js';

/** A pending action as stored server-side: everything a click needs, nothing from the click. */
export interface PendingRecord extends PendingApproval {
  createdAt: string;
  channel?: string | undefined;
  threadTs?: string | undefined;
  action: ProposedAction;
  /** The causes that proposed it and the evidence lines they stood on (for the audit). */
  causes: string[];
  evidence: string[];
  /** For rollbacks: the steps as resolved on the host when proposed; approval runs only these. */
  plannedSteps?: string[] | undefined;
  /** For rollbacks that could not be resolved when proposed: why (approving them is refused). */
  pinError?: string | undefined;
  /** The playbook of the report it came from (verification runs the same checks). */
  playbook?: string | undefined;
}

/** Which automatic action a budget counts: one site, one action id. */
export interface HealKey {
  site: string;
  actionId: string;
}

/** Pending approvals, the append-only audit log and the self-healing budget. */
export interface RemediationStore {
  createPending(p: PendingRecord): Promise<void>;
  getPending(id: string): Promise<PendingRecord | undefined>;
  /** Compare-and-set: true only for the one caller that moved it from `from` to `to`. */
  transition(
    id: string,
    from: PendingRecord['state'],
    to: PendingRecord['state'],
    actor: string,
    at: string,
  ): Promise<boolean>;
  /** Record a message that carries the buttons of a pending action (clicks count only there). */
  bindMessage(pendingId: string, message: PostedMessage): Promise<void>;
  /** The messages recorded for a pending action, oldest first. */
  postedMessages(pendingId: string): Promise<PostedMessage[]>;
  /** Still pending but past their expiry. */
  pendingDue(now: string): Promise<PendingRecord[]>;
  audit(e: AuditInput): Promise<void>;
  auditLog(filter: { site?: string; limit: number }): Promise<AuditEntry[]>;
  /**
   * Atomically: if fewer than `max` runs since `since`, record one at `at`. `runs` is the count
   * including the one recorded (ok) or the count found (not ok).
   */
  claimHealRun(key: HealKey, since: string, max: number, at: string): Promise<{ ok: boolean; runs: number }>;
  /** Forget the runs counted so far (a human fixed it; the breaker closed). */
  resetHealRuns(key: HealKey): Promise<void>;
  breaker(key: HealKey): Promise<{ openedAt: string; reason: string } | undefined>;
  /** The open breakers of a site. */
  openBreakers(site: string): Promise<Array<HealKey & { openedAt: string; reason: string }>>;
  setBreaker(key: HealKey, state: { openedAt: string; reason: string } | undefined): Promise<void>;
}
