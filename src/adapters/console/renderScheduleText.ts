import type { ScheduleNotice } from '../../core/scheduler/scheduleNotice.js';

/** Schedule notices as terminal text. Pure. */
export function renderScheduleText(n: ScheduleNotice): string {
  switch (n.type) {
    case 'schedule-reminder':
      return `[${n.scheduleId}] ${n.site} still failing since ${n.since}: ${n.headline}`;
    case 'schedule-recovered':
      return `[${n.scheduleId}] ${n.site} recovered after ${Math.round(n.seconds)} s failing.`;
    case 'schedule-slow-run':
      return `[${n.scheduleId}] ${n.site}: still running after ${Math.round(n.runningForMs / 1000)} s; next run skipped.`;
    case 'schedule-missed':
      return `[${n.scheduleId}] ${n.site}: missed ${n.count}${n.capped ? '+' : ''} run(s) between ${n.from} and ${n.to}; not replayed.`;
    case 'schedule-failed':
      return `[${n.scheduleId}] ${n.site}: could not run: ${n.message} (${n.code})`;
    case 'schedules':
      return [
        ...(n.note ? [n.note] : []),
        ...(n.schedules.length
          ? n.schedules.map(
              (s) =>
                `  ${s.id}  "${s.cron}" ${s.timezone}  ${s.playbook ?? '(site default)'} on ${s.site}  ${s.paused ? 'paused' : `next ${s.nextRunAt ?? '-'}`}  ${s.status}  ${s.source}`,
            )
          : ['No schedules.']),
      ].join('\n');
  }
}
