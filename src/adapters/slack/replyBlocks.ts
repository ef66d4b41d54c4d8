import type { RemediationReply } from '../../core/model/remediationReply.js';
import type { Reply } from '../../core/model/reply.js';
import type { ScheduleNotice } from '../../core/model/scheduleNotice.js';
import { clip, inert, LIMITS, message, type SlackMessage, section } from './blockLimits.js';
import { userMention } from './mentions.js';

export type { SlackMessage } from './blockLimits.js';

import { remediationMessage } from './remediationBlocks.js';
import { scheduleMessage } from './scheduleBlocks.js';

/** Site buttons: the value is an inventory site name, picked by the user; never a command. */
export function sitePicker(prompt: string, sites: string[]): SlackMessage {
  return message(prompt, [
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
  ]);
}

/** A list of names, each escaped, the list itself kept short. */
const names = (list: readonly string[], max = 50) =>
  list
    .slice(0, max)
    .map((n) => inert(n, 100))
    .join(', ') + (list.length > max ? ', …' : '');

/**
 * Every reply except reports and progress (the thread reporter owns those) as a message. Every
 * string that comes from a person, the inventory or a host is escaped: a reply never pings. Pure.
 */
export function replyMessage(reply: Reply, command = '/medic'): SlackMessage | null {
  switch (reply.type) {
    case 'help':
      return message('How to use Medic', [
        section(
          [
            '*Tell me what is broken*: "502 on shop.example.com", "shop is down", or paste the URL.',
            `\`${command} diagnose &lt;site&gt;\` · \`${command} status\` · \`${command} history &lt;site&gt;\` · \`${command} audit [site]\` · \`${command} schedule list\` · \`${command} playbooks\` · \`${command} help\``,
            `Sites: ${names(reply.sites) || 'none'}`,
          ].join('\n'),
        ),
      ]);
    case 'sites':
      return message(reply.sites.map((s) => `${inert(s.name, 100)}: ${inert(s.url, 300)}`).join('\n'));
    case 'playbooks':
      return message('Playbooks', [
        section(
          reply.playbooks
            .map((p) => `*${inert(p.id, 100)}*: ${inert(p.title, 200)}. ${inert(p.description, 500)}`)
            .join('\n'),
        ),
      ]);
    case 'picker':
      return sitePicker(`"${inert(reply.query)}" matches several sites. Which one?`, reply.sites);
    case 'unknown-site':
      return reply.suggestions.length > 0
        ? sitePicker(`I don't know a site in "${inert(reply.query)}". Did you mean:`, reply.suggestions)
        : message(`I don't know a site in "${inert(reply.query)}". Known sites: ${names(reply.known)}.`);
    case 'not-understood':
      return message(`Sorry, I did not get that. Try "502 on &lt;site&gt;" or \`${command} help\`.`);
    case 'history':
      return reply.entries.length === 0
        ? message(`No runs of ${inert(reply.site, 100)} yet.`)
        : message(`Last runs of ${inert(reply.site, 100)}`, [
            section(
              [
                `*Last runs of ${inert(reply.site, 100)}*`,
                ...reply.entries.map(
                  (e) =>
                    `• ${inert(e.startedAt.slice(0, 19).replace('T', ' '), 30)} UTC · *${inert(e.status, 20)}* · ${inert(e.topCause ?? '—', 50)} · ${inert(e.trigger, 20)}${e.requestedBy ? ` by ${userMention(e.requestedBy)}` : ''} · \`${inert(e.id, 100)}\``,
                ),
              ].join('\n'),
            ),
          ]);
    case 'status': {
      const latest = new Map(reply.latest.map((l) => [l.site, l]));
      const lines = reply.sites.map((s) => {
        const l = latest.get(s);
        const running = reply.running.includes(s) ? ' · :stethoscope: running now' : '';
        return `• *${inert(s, 100)}*: ${l ? `${inert(l.status, 20)} (${inert(l.startedAt.slice(0, 16).replace('T', ' '), 30)} UTC) ${inert(l.headline, 300)}` : 'never diagnosed'}${running}`;
      });
      return message('Site status', [section(lines.join('\n'))]);
    }
    case 'error':
      return message(`:warning: ${inert(reply.message, 1000)}`);
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
