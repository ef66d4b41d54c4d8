import type { SiteStatus } from '../model/report.js';
import type { IncidentNotice, IncidentState, IncidentThread } from './incidentState.js';

export const initialIncidentState: IncidentState = { status: 'unknown' };

/** The part of a run's report that change detection needs. */
export interface RunOutcome {
  id: string;
  status: SiteStatus;
  topCause: string | null;
  startedAt: string;
}

export interface Decision {
  notify: IncidentNotice | null;
  /** The state to persist. */
  state: IncidentState;
  /** The incident the notice is about: for 'recovered', the closed one (its id and thread). */
  incident: IncidentState;
}

/** A reminder is due this much before the interval is over (fire times jitter by milliseconds). */
export const reminderToleranceMs = 5_000;

/**
 * Pure: compare a run's outcome with the previous state and say whether to speak. `at` is the
 * run's fire time (its startedAt), so reminders keep to the cron grid however long runs take.
 * First run healthy is quiet; healthy/unknown → down|degraded opens an incident; a top cause not
 * yet announced in this incident or an elapsed reminder interval speaks again; back to healthy
 * closes it.
 */
export function decide(
  state: IncidentState,
  report: RunOutcome,
  at: Date,
  opts: { remindEveryMinutes: number; newId: () => string },
): Decision {
  const iso = at.toISOString();
  const failing = report.status !== 'healthy';

  if (!failing) {
    if (state.status !== 'failing') {
      const next: IncidentState =
        state.status === 'healthy' ? state : { status: 'healthy', since: report.startedAt };
      return { notify: null, state: next, incident: next };
    }
    const closed: IncidentState = { ...state, status: 'healthy', lastNotifiedAt: iso };
    const next: IncidentState = { status: 'healthy', since: report.startedAt };
    return { notify: 'recovered', state: next, incident: closed };
  }

  if (state.status !== 'failing') {
    const next: IncidentState = {
      status: 'failing',
      incidentId: opts.newId(),
      since: report.startedAt,
      lastNotifiedAt: iso,
      topCause: report.topCause,
      announced: [report.topCause],
    };
    return { notify: 'opened', state: next, incident: next };
  }

  // States saved before `announced` existed: the current top cause is the one announced.
  const announced = state.announced ?? [state.topCause ?? null];
  let current: IncidentState = state;
  if ((state.topCause ?? null) !== report.topCause) {
    if (!announced.includes(report.topCause)) {
      const next: IncidentState = {
        ...state,
        topCause: report.topCause,
        announced: [...announced, report.topCause],
        lastNotifiedAt: iso,
      };
      return { notify: 'cause-changed', state: next, incident: next };
    }
    current = { ...state, topCause: report.topCause, announced }; // back to a cause already said
  }

  const remindMs = opts.remindEveryMinutes * 60_000;
  const tolerance = Math.min(reminderToleranceMs, remindMs / 10);
  const last = current.lastNotifiedAt ? Date.parse(current.lastNotifiedAt) : Number.NaN;
  if (remindMs > 0 && (Number.isNaN(last) || at.getTime() - last >= remindMs - tolerance)) {
    const next: IncidentState = { ...current, lastNotifiedAt: iso };
    return { notify: 'reminder', state: next, incident: next };
  }
  return { notify: null, state: current, incident: current };
}

/** Record where the incident was posted. Only the first thread of a failing incident sticks. */
export function withThread(state: IncidentState, thread: IncidentThread): IncidentState {
  if (state.status !== 'failing' || state.thread) return state;
  return { ...state, thread: { channel: thread.channel, ts: thread.ts } };
}
