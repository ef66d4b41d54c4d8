import type { SchedulerEvent } from './events.js';
import { decide, type RunOutcome } from './incidentTracker.js';
import type { Schedule } from './schedule.js';
import type { ScheduleRuntime } from './scheduleStore.js';

/** How a run ended: its outcome, or the chat-safe form of what it threw. */
export type RunResult = { ok: true; outcome: RunOutcome } | { ok: false; code: string; message: string };

export interface AfterRun {
  runtime: ScheduleRuntime;
  /** Error code of the current streak of failed runs; undefined after a run that worked. */
  failedCode: string | undefined;
  event: SchedulerEvent | null;
}

/**
 * Pure: the runtime to persist and what to say after a run. A successful run goes through
 * change detection; a failed one leaves the incident alone and is said once per streak of
 * the same error code (a site unreachable every minute is not a message every minute).
 */
export function afterRun(
  schedule: Schedule,
  prev: { runtime: ScheduleRuntime; failedCode?: string | undefined },
  result: RunResult,
  startedAt: Date,
  now: Date,
  newId: () => string,
): AfterRun {
  const lastRunAt = startedAt.toISOString();
  if (!result.ok) {
    const runtime = { ...prev.runtime, lastRunAt };
    if (prev.failedCode === result.code) return { runtime, failedCode: result.code, event: null };
    const event: SchedulerEvent = {
      type: 'run-failed',
      schedule,
      code: result.code,
      message: result.message,
    };
    return { runtime, failedCode: result.code, event };
  }
  const d = decide(prev.runtime.incident, result.outcome, now, {
    remindEveryMinutes: schedule.remindEveryMinutes,
    newId,
  });
  const runtime = { ...prev.runtime, lastRunAt, incident: d.state };
  const event: SchedulerEvent | null = d.notify && {
    type: 'incident',
    schedule,
    notify: d.notify,
    reportId: result.outcome.id,
    state: d.incident,
  };
  return { runtime, failedCode: undefined, event };
}
