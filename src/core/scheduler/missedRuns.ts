import type { NextRun } from './cronSpec.js';
import type { SchedulerEvent } from './events.js';
import type { Schedule } from './schedule.js';

/** Counting stops here (a per-second cron down for days); the event then says `capped`. */
export const missedCountCap = 10_000;

export interface MissedRuns {
  count: number;
  from: Date;
  to: Date;
  capped: boolean;
}

/** Fire times from `first` (the persisted next run, itself missed) up to `now`, inclusive. */
export function countMissed(
  nextRun: NextRun,
  s: Pick<Schedule, 'cron' | 'timezone'>,
  first: Date,
  now: Date,
  cap = missedCountCap,
): MissedRuns {
  let count = 0;
  let last = first;
  let t: Date | null = first;
  while (t !== null && t.getTime() <= now.getTime()) {
    if (count === cap) return { count, from: first, to: last, capped: true };
    count++;
    last = t;
    t = nextRun(s.cron, s.timezone, t);
  }
  return { count, from: first, to: last, capped: false };
}

export type RestartPlan =
  /** Nothing pending or not yet due: arm the next fire time after now. */
  | { kind: 'next' }
  /** Due but late by less than the grace period: fire it now. */
  | { kind: 'late'; due: Date }
  /** Missed: report from `first` on, then arm the next fire time after now. */
  | { kind: 'missed'; first: Date };

/** What to do at start-up with the fire time persisted before the restart. */
export function planRestart(nextRunAt: string | undefined, graceSeconds: number, now: Date): RestartPlan {
  const due = nextRunAt === undefined ? Number.NaN : Date.parse(nextRunAt);
  if (Number.isNaN(due) || due > now.getTime()) return { kind: 'next' };
  if (due >= now.getTime() - graceSeconds * 1000) return { kind: 'late', due: new Date(due) };
  return { kind: 'missed', first: new Date(due) };
}

export function missedEvent(schedule: Schedule, m: MissedRuns): SchedulerEvent {
  const { count, capped } = m;
  return { type: 'missed', schedule, count, from: m.from.toISOString(), to: m.to.toISOString(), capped };
}
