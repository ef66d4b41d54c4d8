import type { RemediationReply } from '../../core/model/remediationReply.js';
import type { Reply } from '../../core/model/reply.js';
import type { ScheduleNotice } from '../../core/model/scheduleNotice.js';
import { renderRemediationText } from './renderRemediationText.js';
import { renderReportText, type TextStyle } from './renderReportText.js';
import { renderScheduleText } from './renderScheduleText.js';
import { clipText, echo, scrubStrings } from './safeText.js';

/** The longest an error message (which may quote what someone typed) is printed. */
const MAX_ERROR = 300;

/**
 * Every conversation reply as terminal text (null: nothing worth printing). Every string is
 * cleaned of control characters and clipped; what someone typed is echoed at most 200 characters
 * long. Pure.
 */
export function renderReplyText(input: Reply, style: TextStyle = { color: false }): string | null {
  if (input.type === 'report') return renderReportText(input.report, style);
  const reply = scrubStrings(input);
  switch (reply.type) {
    case 'help':
      return [
        'Tell me what is broken, for example:',
        `  502 on ${reply.sites[0] ?? 'shop'}        diagnose a site (name, alias, URL or free text)`,
        '  diagnose <site> [with <playbook>]',
        '  status | history <site> | audit [site] | schedule list | sites | playbooks | help | quit',
        `Sites: ${reply.sites.join(', ') || '(none)'}   Playbooks: ${reply.playbooks.join(', ')}`,
      ].join('\n');
    case 'sites':
      return reply.sites.map((s) => `  ${s.name.padEnd(12)} ${s.url}  (${s.hosts.join(', ')})`).join('\n');
    case 'playbooks':
      return reply.playbooks.map((p) => `  ${p.id.padEnd(12)} ${p.title}: ${p.description}`).join('\n');
    case 'picker':
      return `"${echo(reply.query)}" matches several sites: ${reply.sites.join(', ')}. Which one? (e.g. "diagnose ${reply.sites[0]}")`;
    case 'unknown-site':
      return reply.suggestions.length > 0
        ? `I don't know a site in "${echo(reply.query)}". Did you mean ${reply.suggestions.join(' or ')}?`
        : `I don't know a site in "${echo(reply.query)}". Known sites: ${reply.known.join(', ')}.`;
    case 'not-understood':
      return `Sorry, I did not understand "${echo(reply.text)}". Type "help".`;
    case 'started':
      return reply.joined
        ? `A ${reply.playbook} run for ${reply.site} is already in progress: joining it.`
        : `Running ${reply.playbook} on ${reply.site}…`;
    case 'progress': {
      const e = reply.event;
      if (e.type === 'host-failed') return `  ! ${e.host}: ${e.message}`;
      if (e.type === 'check-finished' && e.run.status !== 'ok' && e.run.status !== 'skipped') {
        return `  [${e.done}/${e.total}] ${e.run.host} ${e.run.check}: ${e.run.status}`;
      }
      return null;
    }
    case 'history':
      return reply.entries.length === 0
        ? `No runs of ${reply.site} yet.`
        : [
            `Last runs of ${reply.site}:`,
            ...reply.entries.map(
              (e) =>
                `  ${e.startedAt}  ${e.status.padEnd(8)} ${e.topCause ?? ''}  (${e.trigger}${e.requestedBy ? ` by ${e.requestedBy}` : ''}, ${e.id})`,
            ),
          ].join('\n');
    case 'status': {
      const latest = new Map(reply.latest.map((l) => [l.site, l]));
      return reply.sites
        .map((s) => {
          const l = latest.get(s);
          const running = reply.running.includes(s) ? ' (diagnosis running)' : '';
          return `  ${s.padEnd(12)} ${l ? `${l.status} at ${l.startedAt}: ${l.headline}` : 'never diagnosed'}${running}`;
        })
        .join('\n');
    }
    case 'error':
      return `Error (${clipText(reply.code, 100)}): ${clipText(reply.message, MAX_ERROR)}`;
    default:
      return reply.type.startsWith('schedule')
        ? renderScheduleText(input as ScheduleNotice)
        : renderRemediationText(input as RemediationReply);
  }
}
