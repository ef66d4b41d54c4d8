/** What happened to a pending action (or a schedule), one line of the audit log each. */
export type AuditEvent =
  | 'proposed'
  | 'approved'
  | 'auto-approved'
  | 'rejected'
  | 'refused'
  | 'expired'
  | 'executed'
  | 'verified'
  | 'dry-run'
  | 'breaker-open'
  | 'breaker-closed'
  | 'schedule-changed';

export interface AuditInput {
  at: string;
  /** `-` when a request could not be tied to a site (forged signature, unknown action id). */
  site: string;
  pendingId: string | null;
  event: AuditEvent;
  actor: string | null;
  detail: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  seq: number;
}
