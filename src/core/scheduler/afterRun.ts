import type { SchedulerEvent } from './events.js';
import type { PendingNotice } from './incidentState.js';
import { decide, type RunOutcome } from './incidentTracker.js';
import { mergeNotice, pendingEvent } from './pendingNotice.js';
import type { Schedule } from './schedule.js';
import type { ScheduleRuntime } from './scheduleStore.js';

/** How a run ended: its outcome, or the chat-safe form of what it threw. */
export type RunResult = { ok: true; outcome: RunOutcome } | { ok: false; code: string; message: string };

export interface AfterRun {
  /** To persist before anything is said (an undelivered notice is part of it). */
  runtime: ScheduleRuntime;
  /** What to say, in order. */
  events: SchedulerEvent[];
}

/**
 * Pure: the runtime to persist and what to say after a run. A successful run goes through
 * change detection; its notice is merged with one still undelivered from an earlier run
 * (`mergeNotice`) and kept in the incident until the scheduler hears it was delivered. A
 * failing run with nothing to say still yields 'unchanged' (self-healing looks at every
 * failing report). A failed run leaves the incident alone and is said once per streak of the
 * same error code: `failedCode` is set by the scheduler once that was delivered, so a streak
 * whose first message failed is said again, and a restart does not say it twice.
 */
export function afterRun(
  schedule: Schedule,
  prev: ScheduleRuntime,
  result: RunResult,
  startedAt: Date,
  newId: () => string,
): AfterRun {
  const lastRunAt = startedAt.toISOString();
  if (!result.ok) {
    const runtime = { ...prev, lastRunAt };
    if (prev.failedCode === result.code) return { runtime, events: [] };
    const { code, message } = result;
    return { runtime, events: [{ type: 'run-failed', schedule, code, message }] };
  }
  const { outcome } = result;
  const { pendingNotice, ...open } = prev.incident;
  const d = decide(open, outcome, startedAt, { remindEveryMinutes: schedule.remindEveryMinutes, newId });
  const fresh: PendingNotice | undefined = d.notify
    ? {
        notify: d.notify,
        reportId: outcome.id,
        ...(d.notify === 'recovered' ? { closed: d.incident } : {}),
      }
    : undefined;
  const pending = mergeNotice(pendingNotice, fresh, outcome.id);
  const incident = pending ? { ...d.state, pendingNotice: pending } : d.state;
  const { failedCode: _streakOver, ...rest } = prev;
  const runtime: ScheduleRuntime = { ...rest, lastRunAt, incident };
  const say = pendingEvent(schedule, incident);
  if (say) return { runtime, events: [say] };
  if (outcome.status === 'healthy') return { runtime, events: [] };
  return { runtime, events: [{ type: 'unchanged', schedule, reportId: outcome.id, state: d.state }] };
}
