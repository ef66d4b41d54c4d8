import type { SiteStatus } from './report.js';

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
      note?: string;
      /**
       * After an add: where the new schedule posts, a channel id (adapters link it), or null
       * for the default channel.
       */
      postsIn?: string | null;
    };
