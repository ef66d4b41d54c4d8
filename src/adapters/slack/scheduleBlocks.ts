import type { ScheduleChange, ScheduleNotice } from '../../core/model/scheduleNotice.js';
import { formatInZone } from '../../core/scheduler/zonedTime.js';
import { inert, message, type SlackMessage, section } from './blockLimits.js';
import { channelLink } from './mentions.js';

/** Wall time in the schedule's zone, the zone named. */
const when = (iso: string, timezone: string) => inert(formatInZone(iso, timezone), 100);
const dur = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`;

const standbyNote = ' Another Medic process runs the schedules; it picks this up within a minute.';
const opWords = { paused: 'Paused', resumed: 'Resumed', removed: 'Removed' } as const;

/** What a chat command did to a schedule, in mrkdwn: ids and the cron as code. */
function changeText(c: ScheduleChange): string {
  const id = `\`${inert(c.id, 100)}\``;
  switch (c.op) {
    case 'added': {
      const remind = c.remindEveryMinutes ? `reminders every ${c.remindEveryMinutes} min` : 'no reminders';
      const postsIn = c.postsIn === null ? 'the default channel' : channelLink(c.postsIn);
      return `Added ${id}: ${inert(c.playbook, 100)} on ${inert(c.site, 100)} at \`${inert(c.cron, 100)}\` (${inert(c.timezone, 100)}), ${remind}.${c.standby ? standbyNote : ''} It posts in ${postsIn}.`;
    }
    case 'ran':
      return c.started ? `Ran ${id}.` : `${id} is running already.`;
    default:
      return `${opWords[c.op]} ${id}.${c.standby ? standbyNote : ''}`;
  }
}

/** Schedule notices as Slack messages. Pure. */
export function scheduleMessage(n: ScheduleNotice): SlackMessage {
  const id = 'scheduleId' in n ? `\`${inert(n.scheduleId, 100)}\`` : '';
  switch (n.type) {
    case 'schedule-incident-opened':
      return message(
        `:rotating_light: *${inert(n.site, 100)}* is ${inert(n.status, 20)} (schedule ${id}): ${inert(n.headline, 700)}`,
      );
    case 'schedule-reminder':
      return message(
        `:hourglass: *${inert(n.site, 100)}* still failing since ${when(n.since, n.timezone)} (${id}): ${inert(n.headline, 700)}`,
      );
    case 'schedule-recovered':
      return message(
        `:large_green_circle: *${inert(n.site, 100)}* recovered (${id}); it was failing for ${dur(n.seconds)} since ${when(n.since, n.timezone)}.`,
      );
    case 'schedule-slow-run':
      return message(
        `:turtle: ${id} on ${inert(n.site, 100)} is still running after ${dur(n.runningForMs / 1000)}; the next run was skipped, not stacked.`,
      );
    case 'schedule-missed':
      return message(
        `:zzz: ${id} on ${inert(n.site, 100)} missed ${n.count}${n.capped ? '+' : ''} run(s) between ${when(n.from, n.timezone)} and ${when(n.to, n.timezone)} while Medic was down; they are not replayed.`,
      );
    case 'schedule-failed':
      return message(
        `:warning: ${id} on ${inert(n.site, 100)} could not run: ${inert(n.message, 500)} (\`${inert(n.code, 100)}\`)`,
      );
    case 'schedules': {
      const lines = n.schedules.map(
        (s) =>
          `• \`${inert(s.id, 100)}\` · \`${inert(s.cron, 100)}\` ${inert(s.timezone, 100)} · ${inert(s.playbook ?? 'site default', 100)} on *${inert(s.site, 100)}*${s.channel ? ` → ${channelLink(s.channel)}` : ''} · ${s.paused ? 'paused' : `next ${s.nextRunAt ? when(s.nextRunAt, s.timezone) : '—'}`} · ${inert(s.status, 50)} · ${inert(s.source, 20)}`,
      );
      const note = n.change ? changeText(n.change) : '';
      const text = [note, lines.length ? lines.join('\n') : 'No schedules.'].filter(Boolean).join('\n');
      return message(text, [section(text)]);
    }
  }
}
