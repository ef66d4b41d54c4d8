import type { RemediationReply } from '../../core/model/remediationReply.js';
import { scrubStrings } from './safeText.js';

const secs = (s: number) => `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
const one = (s: string) => s.replaceAll('\n', ' ');

/**
 * Remediation replies as terminal text, every string cleaned of control characters and clipped
 * (a step's output keeps its lines). Pure.
 */
export function renderRemediationText(input: RemediationReply): string {
  const reply = scrubStrings(input, undefined, input.type === 'remediation-done');
  switch (reply.type) {
    case 'remediation-refused':
      return `Not run: ${reply.message} (${reply.code}). Nothing was changed.`;
    case 'remediation-rejected':
      return `${reply.by} rejected "${reply.action.title}". Nothing was run.`;
    case 'remediation-started':
      return [
        `${reply.auto ? 'Self-healing (policy)' : `Approved by ${reply.by}`}: ${reply.action.title}`,
        ...reply.steps.map((s) => `  $ ${s}`),
      ].join('\n');
    case 'remediation-done': {
      const e = reply.execution;
      return [
        ...e.steps.map(
          (s) =>
            `  ${s.code === 0 ? 'ok ' : 'ERR'} exit ${s.code ?? 'none'} in ${s.durationMs} ms: ${one(s.display)}`,
        ),
        ...e.steps.filter((s) => s.code !== 0 && s.output).map((s) => s.output.replace(/^/gm, '      ')),
        e.ok
          ? `Done in ${secs(e.durationMs / 1000)}; verifying ${reply.site}…`
          : `FAILED${e.error ? `: ${one(e.error.message)}` : ''}; the rest was not run.`,
      ].join('\n');
    }
    case 'remediation-verified':
      return reply.recovered
        ? `${reply.site} recovered in ${secs(reply.seconds)}.`
        : `${reply.site} still failing after ${secs(reply.seconds)}: ${reply.headline}`;
    case 'dry-run':
      return reply.error
        ? `Dry run of "${reply.action.title}" cannot plan: ${reply.error.message}`
        : [
            `Dry run of "${reply.action.title}" (${reply.action.risk}) on ${reply.action.host}; nothing was run:`,
            ...reply.steps.map((s) => `  $ ${s}`),
          ].join('\n');
    case 'heal-paused':
      return `${reply.opened ? 'Self-healing stopped' : 'Self-healing paused'} for ${reply.site}: ${reply.reason}`;
    case 'audit':
      return reply.entries.length === 0
        ? `No audit entries${reply.site ? ` for ${reply.site}` : ''}.`
        : reply.entries
            .map(
              (e) =>
                `${e.at.slice(0, 19).replace('T', ' ')}  ${e.event.padEnd(13)} ${(e.actor ?? '-').padEnd(16)} ${e.site.padEnd(10)} ${JSON.stringify(e.detail)}`,
            )
            .join('\n');
  }
}
