import type { RemediationReply } from '../../core/model/remediationReply.js';
import { redactSecrets } from '../../core/redact.js';
import { clip, codeBlock, escapeMrkdwn, LIMITS, type SlackMessage, section } from './blockLimits.js';

const secs = (s: number) => `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
const who = (id: string) => (/^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escapeMrkdwn(id));

/** Remediation replies as Slack messages. Pure. */
export function remediationMessage(reply: RemediationReply): SlackMessage {
  switch (reply.type) {
    case 'remediation-refused':
      return {
        text: `:no_entry: Not run: ${clip(reply.message, 500)} (\`${reply.code}\`). Nothing was changed.`,
      };
    case 'remediation-rejected':
      return {
        text: `:no_entry_sign: ${who(reply.by)} rejected *${escapeMrkdwn(reply.action.title)}*. Nothing was run.`,
      };
    case 'remediation-started': {
      const head = reply.auto
        ? `:robot_face: Self-healing (policy allows it without a click): *${escapeMrkdwn(reply.action.title)}*`
        : `:arrow_forward: ${who(reply.by)} approved *${escapeMrkdwn(reply.action.title)}*: running`;
      const code = codeBlock(reply.steps, LIMITS.sectionText - 200, 10);
      return { text: head, blocks: [section(head), section(code.text)] };
    }
    case 'remediation-done': {
      const e = reply.execution;
      const lines = e.steps.map(
        (s) => `${s.code === 0 ? '✓' : '✗'} ${s.display}  (exit ${s.code ?? 'none'}, ${s.durationMs} ms)`,
      );
      const failed = e.steps.find((s) => s.code !== 0);
      const head = e.ok
        ? `:white_check_mark: Ran on ${escapeMrkdwn(reply.action.host)} in ${secs(e.durationMs / 1000)}; checking that ${escapeMrkdwn(reply.site)} recovered…`
        : `:x: *${escapeMrkdwn(reply.action.title)}* failed${e.error ? `: ${escapeMrkdwn(e.error.message)}` : ''}. The rest was not run.`;
      const blocks = [section(head)];
      if (lines.length) blocks.push(section(codeBlock(lines, LIMITS.sectionText - 100, 10).text));
      if (failed?.output)
        blocks.push(section(codeBlock(failed.output.split('\n').map(redactSecrets), 1500, 8).text));
      return { text: head, blocks };
    }
    case 'remediation-verified': {
      const text = reply.recovered
        ? `:large_green_circle: *${escapeMrkdwn(reply.site)} recovered* in ${secs(reply.seconds)} after “${escapeMrkdwn(reply.action.title)}”.`
        : `:red_circle: *${escapeMrkdwn(reply.site)} still failing* ${secs(reply.seconds)} after “${escapeMrkdwn(reply.action.title)}”: ${escapeMrkdwn(reply.headline)}. The next steps are below.`;
      return { text };
    }
    case 'dry-run': {
      const head = reply.error
        ? `:warning: Dry run of *${escapeMrkdwn(reply.action.title)}* cannot plan: ${escapeMrkdwn(reply.error.message)}`
        : `:mag: Dry run of *${escapeMrkdwn(reply.action.title)}* (${reply.action.risk}) on ${escapeMrkdwn(reply.action.host)}: these exact commands would run. Nothing was run.`;
      return {
        text: head,
        blocks: [
          section(head),
          ...(reply.steps.length ? [section(codeBlock(reply.steps, LIMITS.sectionText - 100, 12).text)] : []),
        ],
      };
    }
    case 'heal-paused':
      return reply.opened
        ? {
            text: `:octagonal_sign: *Self-healing stopped* for ${escapeMrkdwn(reply.site)}: ${escapeMrkdwn(reply.reason)}.`,
          }
        : {
            text: `:pause_button: Self-healing of ${escapeMrkdwn(reply.site)} is paused (breaker open): ${escapeMrkdwn(reply.reason)}.`,
          };
    case 'audit': {
      const title = `Audit log${reply.site ? ` of ${reply.site}` : ''}`;
      if (reply.entries.length === 0) return { text: `${title}: nothing yet.` };
      const lines = reply.entries.map((e) => {
        const d = e.detail as {
          action?: string;
          code?: string;
          ok?: boolean;
          recovered?: boolean;
          seconds?: number;
        };
        const extra = [
          d.code ? `\`${d.code}\`` : '',
          d.ok !== undefined ? (d.ok ? 'ok' : 'FAILED') : '',
          d.recovered !== undefined ? (d.recovered ? `recovered in ${d.seconds} s` : 'still failing') : '',
        ].filter(Boolean);
        return `• ${e.at.slice(0, 19).replace('T', ' ')} · *${e.event}* · ${e.actor ? who(e.actor) : '—'} · ${escapeMrkdwn(e.site)} · ${escapeMrkdwn(d.action ?? '')}${extra.length ? ` · ${extra.join(' · ')}` : ''}`;
      });
      return {
        text: title,
        blocks: [section(`*${escapeMrkdwn(title)}* (newest first)\n${lines.join('\n')}`)],
      };
    }
  }
}
