import type { ProposedAction } from '../model/action.js';
import type { Report } from '../model/report.js';
import type { RunOrigin } from '../ports.js';
import type { PendingRecord } from './remediationStore.js';

/** The causes of a report that propose `action`, and the evidence they stand on. Pure. */
export function causesOf(report: Report, action: ProposedAction): { causes: string[]; evidence: string[] } {
  const causes = report.causes.filter((c) => c.actions.some((a) => a.id === action.id));
  return { causes: causes.map((c) => c.id), evidence: causes.flatMap((c) => c.evidence).slice(0, 12) };
}

/** A pending action for one action of a report, as stored: everything a later click needs. Pure. */
export function pendingRecord(
  report: Report,
  action: ProposedAction,
  origin: RunOrigin,
  o: {
    id: string;
    createdAt: Date;
    expiryMinutes: number;
    /** A rollback's steps as resolved on the host now, or why they could not be. */
    pin?: { steps: string[] } | { error: string } | undefined;
  },
): PendingRecord {
  return {
    id: o.id,
    reportId: report.id,
    site: report.site,
    actionId: action.id,
    risk: action.risk,
    requestedBy: origin.requestedBy || origin.trigger,
    expiresAt: new Date(o.createdAt.getTime() + o.expiryMinutes * 60_000).toISOString(),
    state: 'pending',
    createdAt: o.createdAt.toISOString(),
    channel: origin.channel,
    threadTs: origin.threadTs,
    action,
    playbook: report.playbook,
    ...causesOf(report, action),
    ...(o.pin && 'steps' in o.pin ? { plannedSteps: o.pin.steps } : {}),
    ...(o.pin && 'error' in o.pin ? { pinError: o.pin.error } : {}),
  };
}
