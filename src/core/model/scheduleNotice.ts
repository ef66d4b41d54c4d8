import type { SiteStatus } from './report.js';

/** What a chat command just did to a schedule; the list that comes with it shows the result. */
export type ScheduleChange =
  | {
      op: 'added';
      id: string;
      playbook: string;
      site: string;
      cron: string;
      timezone: string;
      /** 0: no reminders. */
      remindEveryMinutes: number;
      /** Where the new schedule posts: a channel id (adapters link it), or null for the default. */
      postsIn: string | null;
      /** Another Medic process runs the schedules: it picks the change up within a minute. */
      standby: boolean;
    }
  | { op: 'paused' | 'resumed' | 'removed'; id: string; standby: boolean }
  /** `started` false: it was running already. */
  | { op: 'ran'; id: string; started: boolean };

/**
 * Neutral messages about scheduled runs (besides the report itself); adapters render them.
 * Times are ISO instants; `timezone` is the schedule's zone, which adapters show them in.
 */
export type ScheduleNotice =
  /** The root message of a new incident: its thread gets the report and what follows. */
  | {
      type: 'schedule-incident-opened';
      scheduleId: string;
      site: string;
      status: SiteStatus;
      headline: string;
    }
  | {
      type: 'schedule-reminder';
      scheduleId: string;
      site: string;
      timezone: string;
      since: string;
      headline: string;
    }
  | {
      type: 'schedule-recovered';
      scheduleId: string;
      site: string;
      timezone: string;
      since: string;
      seconds: number;
    }
  | { type: 'schedule-slow-run'; scheduleId: string; site: string; runningForMs: number }
  | {
      type: 'schedule-missed';
      scheduleId: string;
      site: string;
      timezone: string;
      count: number;
      from: string;
      to: string;
      capped: boolean;
    }
  | { type: 'schedule-failed'; scheduleId: string; site: string; code: string; message: string }
  | {
      type: 'schedules';
      schedules: Array<{
        id: string;
        cron: string;
        timezone: string;
        site: string;
        playbook: string | undefined;
        channel: string | undefined;
        paused: boolean;
        source: 'config' | 'chat';
        nextRunAt: string | undefined;
        status: string;
      }>;
      /** Set when a chat command changed (or ran) a schedule. */
      change?: ScheduleChange;
    };
