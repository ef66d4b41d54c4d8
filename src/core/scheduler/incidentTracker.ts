import type { SiteStatus } from '../model/report.js';

/** Where the incident was posted; one thread per incident. */
export interface IncidentThread {
  channel: string;
  ts: string;
}

/** Change-detection state of one schedule. */
export interface IncidentState {
  status: 'healthy' | 'failing' | 'unknown';
  incidentId?: string;
  /** When the current status was first seen (the run's startedAt). */
  since?: string;
  lastNotifiedAt?: string;
  topCause?: string | null;
  thread?: IncidentThread;
}

export const initialIncidentState: IncidentState = { status: 'unknown' };

export type IncidentNotice = 'opened' | 'recovered' | 'reminder' | 'cause-changed';

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

/**
 * Pure: compare a run's outcome with the previous state and say whether to speak.
 * First run healthy is quiet; healthy/unknown → down|degraded opens an incident; a changed top
 * cause or an elapsed reminder interval speaks again; back to healthy closes it.
 */
export function decide(
  state: IncidentState,
  report: RunOutcome,
  now: Date,
  opts: { remindEveryMinutes: number; newId: () => string },
): Decision {
  const at = now.toISOString();
  const failing = report.status !== 'healthy';

  if (!failing) {
    if (state.status !== 'failing') {
      const next: IncidentState =
        state.status === 'healthy' ? state : { status: 'healthy', since: report.startedAt };
      return { notify: null, state: next, incident: next };
    }
    const closed: IncidentState = { ...state, status: 'healthy', lastNotifiedAt: at };
    const next: IncidentState = { status: 'healthy', since: report.startedAt };
    return { notify: 'recovered', state: next, incident: closed };
  }

  if (state.status !== 'failing') {
    const next: IncidentState = {
      status: 'failing',
      incidentId: opts.newId(),
      since: report.startedAt,
      lastNotifiedAt: at,
      topCause: report.topCause,
    };
    return { notify: 'opened', state: next, incident: next };
  }

  if ((state.topCause ?? null) !== report.topCause) {
    const next: IncidentState = { ...state, topCause: report.topCause, lastNotifiedAt: at };
    return { notify: 'cause-changed', state: next, incident: next };
  }

  const remindMs = opts.remindEveryMinutes * 60_000;
  const last = state.lastNotifiedAt ? Date.parse(state.lastNotifiedAt) : Number.NaN;
  if (remindMs > 0 && (Number.isNaN(last) || now.getTime() - last >= remindMs)) {
    const next: IncidentState = { ...state, lastNotifiedAt: at };
    return { notify: 'reminder', state: next, incident: next };
  }
  return { notify: null, state, incident: state };
}

/** Record where the incident was posted. Only the first thread of a failing incident sticks. */
export function withThread(state: IncidentState, thread: IncidentThread): IncidentState {
  if (state.status !== 'failing' || state.thread) return state;
  return { ...state, thread: { channel: thread.channel, ts: thread.ts } };
}
