import type { ScheduleChange, ScheduleNotice } from '../../core/model/scheduleNotice.js';
import { formatInZone } from '../../core/scheduler/zonedTime.js';
import { scrubStrings } from './safeText.js';

const standbyNote = ' Another Medic process runs the schedules; it picks this up within a minute.';
const opWords = { paused: 'Paused', resumed: 'Resumed', removed: 'Removed' } as const;

/** What a chat command did to a schedule, plain: the cron quoted as in the list. */
function changeText(c: ScheduleChange): string {
  switch (c.op) {
    case 'added': {
      const remind = c.remindEveryMinutes ? `reminders every ${c.remindEveryMinutes} min` : 'no reminders';
      return `Added ${c.id}: ${c.playbook} on ${c.site} at "${c.cron}" (${c.timezone}), ${remind}.${c.standby ? standbyNote : ''} It posts in ${c.postsIn ?? 'the default channel'}.`;
    }
    case 'ran':
      return c.started ? `Ran ${c.id}.` : `${c.id} is running already.`;
    default:
      return `${opWords[c.op]} ${c.id}.${c.standby ? standbyNote : ''}`;
  }
}

/** Schedule notices as terminal text, every string cleaned of control characters and clipped. Pure. */
export function renderScheduleText(notice: ScheduleNotice): string {
  const n = scrubStrings(notice);
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
        ...(n.change ? [changeText(n.change)] : []),
        ...(n.schedules.length
          ? n.schedules.map(
              (s) =>
                `  ${s.id}  "${s.cron}" ${s.timezone}  ${s.playbook ?? '(site default)'} on ${s.site}  ${s.paused ? 'paused' : `next ${s.nextRunAt ? formatInZone(s.nextRunAt, s.timezone) : '-'}`}  ${s.status}  ${s.source}`,
            )
          : ['No schedules.']),
      ].join('\n');
  }
}
