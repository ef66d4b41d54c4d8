import type { ScheduleNotice } from '../../core/model/scheduleNotice.js';
import { formatInZone } from '../../core/scheduler/zonedTime.js';

/** Schedule notices as terminal text. Pure. */
export function renderScheduleText(n: ScheduleNotice): string {
  switch (n.type) {
    case 'schedule-incident-opened':
      return `${n.site} is ${n.status} (schedule ${n.scheduleId}): ${n.headline}`;
    case 'schedule-reminder':
      return `[${n.scheduleId}] ${n.site} still failing since ${formatInZone(n.since, n.timezone)}: ${n.headline}`;
    case 'schedule-recovered':
      return `[${n.scheduleId}] ${n.site} recovered after ${Math.round(n.seconds)} s failing (since ${formatInZone(n.since, n.timezone)}).`;
    case 'schedule-slow-run':
      return `[${n.scheduleId}] ${n.site}: still running after ${Math.round(n.runningForMs / 1000)} s; next run skipped.`;
    case 'schedule-missed':
      return `[${n.scheduleId}] ${n.site}: missed ${n.count}${n.capped ? '+' : ''} run(s) between ${formatInZone(n.from, n.timezone)} and ${formatInZone(n.to, n.timezone)}; not replayed.`;
    case 'schedule-failed':
      return `[${n.scheduleId}] ${n.site}: could not run: ${n.message} (${n.code})`;
    case 'schedules':
      return [
        ...(n.note
          ? [
              `${n.note}${n.postsIn === undefined ? '' : ` It posts in ${n.postsIn ?? 'the default channel'}.`}`,
            ]
          : []),
        ...(n.schedules.length
          ? n.schedules.map(
              (s) =>
                `  ${s.id}  "${s.cron}" ${s.timezone}  ${s.playbook ?? '(site default)'} on ${s.site}  ${s.paused ? 'paused' : `next ${s.nextRunAt ? formatInZone(s.nextRunAt, s.timezone) : '-'}`}  ${s.status}  ${s.source}`,
            )
          : ['No schedules.']),
      ].join('\n');
  }
}
