import type { ScheduleChange, ScheduleNotice } from '../../core/model/scheduleNotice.js';
import { formatInZone } from '../../core/scheduler/zonedTime.js';
import { clip, escapeMrkdwn, LIMITS, type SlackMessage } from './blockLimits.js';

/** Wall time in the schedule's zone, the zone named. */
const when = (iso: string, timezone: string) => escapeMrkdwn(formatInZone(iso, timezone));
const dur = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`;

const standbyNote = ' Another Medic process runs the schedules; it picks this up within a minute.';
const opWords = { paused: 'Paused', resumed: 'Resumed', removed: 'Removed' } as const;

/** What a chat command did to a schedule, in mrkdwn: ids and the cron as code. */
function changeText(c: ScheduleChange): string {
  const id = `\`${escapeMrkdwn(c.id)}\``;
  switch (c.op) {
    case 'added': {
      const remind = c.remindEveryMinutes ? `reminders every ${c.remindEveryMinutes} min` : 'no reminders';
      const postsIn = c.postsIn === null ? 'the default channel' : `<#${c.postsIn}>`;
      return `Added ${id}: ${escapeMrkdwn(c.playbook)} on ${escapeMrkdwn(c.site)} at \`${escapeMrkdwn(c.cron)}\` (${escapeMrkdwn(c.timezone)}), ${remind}.${c.standby ? standbyNote : ''} It posts in ${postsIn}.`;
    }
    case 'ran':
      return c.started ? `Ran ${id}.` : `${id} is running already.`;
    default:
      return `${opWords[c.op]} ${id}.${c.standby ? standbyNote : ''}`;
  }
}

/** Schedule notices as Slack messages. Pure. */
export function scheduleMessage(n: ScheduleNotice): SlackMessage {
  const id = 'scheduleId' in n ? `\`${n.scheduleId}\`` : '';
  switch (n.type) {
    case 'schedule-incident-opened':
      return {
        text: `:rotating_light: *${escapeMrkdwn(n.site)}* is ${n.status} (schedule ${id}): ${escapeMrkdwn(n.headline)}`,
      };
    case 'schedule-reminder':
      return {
        text: `:hourglass: *${escapeMrkdwn(n.site)}* still failing since ${when(n.since, n.timezone)} (${id}): ${escapeMrkdwn(n.headline)}`,
      };
    case 'schedule-recovered':
      return {
        text: `:large_green_circle: *${escapeMrkdwn(n.site)}* recovered (${id}); it was failing for ${dur(n.seconds)} since ${when(n.since, n.timezone)}.`,
      };
    case 'schedule-slow-run':
      return {
        text: `:turtle: ${id} on ${escapeMrkdwn(n.site)} is still running after ${dur(n.runningForMs / 1000)}; the next run was skipped, not stacked.`,
      };
    case 'schedule-missed':
      return {
        text: `:zzz: ${id} on ${escapeMrkdwn(n.site)} missed ${n.count}${n.capped ? '+' : ''} run(s) between ${when(n.from, n.timezone)} and ${when(n.to, n.timezone)} while Medic was down; they are not replayed.`,
      };
    case 'schedule-failed':
      return {
        text: `:warning: ${id} on ${escapeMrkdwn(n.site)} could not run: ${escapeMrkdwn(clip(n.message, 500))} (\`${n.code}\`)`,
      };
    case 'schedules': {
      const lines = n.schedules.map(
        (s) =>
          `• \`${s.id}\` · \`${escapeMrkdwn(s.cron)}\` ${s.timezone} · ${escapeMrkdwn(s.playbook ?? 'site default')} on *${escapeMrkdwn(s.site)}*${s.channel ? ` → <#${s.channel}>` : ''} · ${s.paused ? 'paused' : `next ${s.nextRunAt ? when(s.nextRunAt, s.timezone) : '—'}`} · ${s.status} · ${s.source}`,
      );
      const note = n.change ? changeText(n.change) : '';
      const text = [note, lines.length ? lines.join('\n') : 'No schedules.'].filter(Boolean).join('\n');
      return {
        text: clip(text, LIMITS.fallbackText),
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) } }],
      };
    }
  }
}
