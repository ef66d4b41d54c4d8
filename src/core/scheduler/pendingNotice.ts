import type { SchedulerEvent } from './events.js';
import type { IncidentNotice, IncidentState, PendingNotice } from './incidentState.js';
import type { Schedule } from './schedule.js';

/** Within one open incident, the notice that says the most wins. */
const weight: Record<IncidentNotice, number> = { reminder: 1, 'cause-changed': 2, opened: 3, recovered: 0 };

/**
 * The notice to deliver after a run, given one still undelivered from before (`pending`) and
 * this run's (`fresh`). The chat should read as if nothing had been lost:
 * - nothing new: say the pending one, with the newest report (`reportId`) so its evidence and
 *   buttons are current; a pending 'recovered' keeps its own report (it dates the recovery);
 * - a new 'recovered' supersedes anything pending about the incident it closes. If even the
 *   'opened' of that incident never got out, people still get a short "recovered; it was
 *   failing for N min since …" line in the channel (there is no thread): they learn of an
 *   outage they did not hear about, without a report that is no longer true;
 * - a new 'opened' supersedes a pending 'recovered' of the previous incident: the new root
 *   message tells the current truth (the old thread is left without its closing line);
 * - otherwise (same incident, still failing) the weightier notice wins: a pending 'opened'
 *   stays 'opened' (the root message and the report come first, and the report shows the
 *   current cause), 'cause-changed' beats 'reminder'; always with the newest report.
 */
export function mergeNotice(
  pending: PendingNotice | undefined,
  fresh: PendingNotice | undefined,
  reportId: string,
): PendingNotice | undefined {
  if (!pending) return fresh;
  if (!fresh) return pending.notify === 'recovered' ? pending : { ...pending, reportId };
  if (fresh.notify === 'recovered' || fresh.notify === 'opened') return fresh;
  if (pending.notify === 'recovered') return fresh;
  const notify = weight[pending.notify] >= weight[fresh.notify] ? pending.notify : fresh.notify;
  return { notify, reportId: fresh.reportId };
}

/** The incident event that delivers the pending notice of `incident`, if any. */
export function pendingEvent(schedule: Schedule, incident: IncidentState): SchedulerEvent | null {
  const { pendingNotice: p, ...state } = incident;
  if (!p) return null;
  return { type: 'incident', schedule, notify: p.notify, reportId: p.reportId, state: p.closed ?? state };
}
