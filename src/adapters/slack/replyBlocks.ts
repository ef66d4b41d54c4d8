import type { RemediationReply } from '../../core/model/remediationReply.js';
import type { Reply } from '../../core/model/reply.js';
import type { ScheduleNotice } from '../../core/model/scheduleNotice.js';
import { clip, escapeMrkdwn, LIMITS, type SlackMessage, section } from './blockLimits.js';

export type { SlackMessage } from './blockLimits.js';

import { remediationMessage } from './remediationBlocks.js';
import { scheduleMessage } from './scheduleBlocks.js';

/** Site buttons: the value is an inventory site name, picked by the user; never a command. */
export function sitePicker(prompt: string, sites: string[]): SlackMessage {
  return {
    text: prompt,
    blocks: [
      section(prompt),
      {
        type: 'actions',
        block_id: 'medic_pick_site',
        elements: sites.slice(0, LIMITS.actionsElements).map((site, i) => ({
          type: 'button',
          action_id: `medic_pick_site_${i}`,
          text: { type: 'plain_text', text: clip(site, LIMITS.buttonText) },
          value: clip(site, LIMITS.buttonValue),
        })),
      },
    ],
  };
}

/** Every reply except reports and progress (the thread reporter owns those) as a message. Pure. */
export function replyMessage(reply: Reply, command = '/medic'): SlackMessage | null {
  switch (reply.type) {
    case 'help':
      return {
        text: 'How to use Medic',
        blocks: [
          section(
            [
              '*Tell me what is broken*: "502 on shop.example.com", "shop is down", or paste the URL.',
              `\`${command} diagnose &lt;site&gt;\` · \`${command} status\` · \`${command} history &lt;site&gt;\` · \`${command} audit [site]\` · \`${command} schedule list\` · \`${command} playbooks\` · \`${command} help\``,
              `Sites: ${reply.sites.map(escapeMrkdwn).join(', ') || 'none'}`,
            ].join('\n'),
          ),
        ],
      };
    case 'sites':
      return { text: reply.sites.map((s) => `${s.name}: ${s.url}`).join('\n') };
    case 'playbooks':
      return {
        text: 'Playbooks',
        blocks: [
          section(
            reply.playbooks
              .map((p) => `*${p.id}*: ${escapeMrkdwn(p.title)}. ${escapeMrkdwn(p.description)}`)
              .join('\n'),
          ),
        ],
      };
    case 'picker':
      return sitePicker(
        `"${escapeMrkdwn(clip(reply.query, 200))}" matches several sites. Which one?`,
        reply.sites,
      );
    case 'unknown-site':
      return reply.suggestions.length > 0
        ? sitePicker(
            `I don't know a site in "${escapeMrkdwn(clip(reply.query, 200))}". Did you mean:`,
            reply.suggestions,
          )
        : {
            text: `I don't know a site in "${clip(reply.query, 200)}". Known sites: ${reply.known.join(', ')}.`,
          };
    case 'not-understood':
      return { text: `Sorry, I did not get that. Try "502 on <site>" or \`${command} help\`.` };
    case 'history':
      return reply.entries.length === 0
        ? { text: `No runs of ${reply.site} yet.` }
        : {
            text: `Last runs of ${reply.site}`,
            blocks: [
              section(
                [
                  `*Last runs of ${escapeMrkdwn(reply.site)}*`,
                  ...reply.entries.map(
                    (e) =>
                      `• ${e.startedAt.slice(0, 19).replace('T', ' ')} UTC · *${e.status}* · ${e.topCause ?? '—'} · ${e.trigger}${e.requestedBy ? ` by <@${e.requestedBy}>` : ''} · \`${e.id}\``,
                  ),
                ].join('\n'),
              ),
            ],
          };
    case 'status': {
      const latest = new Map(reply.latest.map((l) => [l.site, l]));
      const lines = reply.sites.map((s) => {
        const l = latest.get(s);
        const running = reply.running.includes(s) ? ' · :stethoscope: running now' : '';
        return `• *${escapeMrkdwn(s)}*: ${l ? `${l.status} (${l.startedAt.slice(0, 16).replace('T', ' ')} UTC) ${escapeMrkdwn(l.headline)}` : 'never diagnosed'}${running}`;
      });
      return { text: 'Site status', blocks: [section(lines.join('\n'))] };
    }
    case 'error':
      return { text: `:warning: ${clip(reply.message, 1000)}` };
    case 'started':
    case 'progress':
    case 'report':
      return null;
    default:
      return reply.type.startsWith('schedule')
        ? scheduleMessage(reply as ScheduleNotice)
        : remediationMessage(reply as RemediationReply);
  }
}
