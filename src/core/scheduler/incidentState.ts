/*
 * The change-detection state of a schedule, stored with it. Types only: the tracker, the
 * pending-notice merge and the scheduler events all use them, so they sit below all three.
 */

export type IncidentNotice = 'opened' | 'recovered' | 'reminder' | 'cause-changed';

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
  /** Fire time (startedAt) of the run whose notice was last decided. */
  lastNotifiedAt?: string;
  topCause?: string | null;
  /** Top causes already announced in this incident: a cause flipping back to one of them is quiet. */
  announced?: Array<string | null>;
  thread?: IncidentThread;
  /** A notice decided but not delivered yet (the chat call failed, or Medic stopped first). */
  pendingNotice?: PendingNotice;
}

/**
 * An incident notice decided after a run but not delivered yet. It is persisted with the
 * incident before anything is posted, so a failed chat call, a throw while posting or a
 * crash loses nothing: the notice goes out after the next run, or is superseded by a newer one.
 */
export interface PendingNotice {
  notify: IncidentNotice;
  /** The report to say it with. */
  reportId: string;
  /** For 'recovered': the incident it closes (id, thread, since); the state no longer holds it. */
  closed?: Omit<IncidentState, 'pendingNotice'>;
}
