import type { RemediationReply } from '../../core/model/remediationReply.js';
import { redactSecrets } from '../../core/redact.js';
import { codeBlock, inert, LIMITS, message, type SlackMessage, section } from './blockLimits.js';
import { userMention as who } from './mentions.js';

const secs = (s: number) => `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;

/** Remediation replies as Slack messages. Pure. */
export function remediationMessage(reply: RemediationReply): SlackMessage {
  switch (reply.type) {
    case 'remediation-refused':
      return message(
        `:no_entry: Not run: ${inert(reply.message, 500)} (\`${inert(reply.code, 100)}\`). Nothing was changed.`,
      );
    case 'remediation-rejected':
      return message(
        `:no_entry_sign: ${who(reply.by)} rejected *${inert(reply.action.title, 300)}*. Nothing was run.`,
      );
    case 'remediation-started': {
      const head = reply.auto
        ? `:robot_face: Self-healing (policy allows it without a click): *${inert(reply.action.title, 300)}*`
        : `:arrow_forward: ${who(reply.by)} approved *${inert(reply.action.title, 300)}*: running`;
      const code = codeBlock(reply.steps, LIMITS.sectionText - 200, 10);
      return message(head, [section(head), section(code.text)]);
    }
    case 'remediation-done': {
      const e = reply.execution;
      const lines = e.steps.map(
        (s) => `${s.code === 0 ? '✓' : '✗'} ${s.display}  (exit ${s.code ?? 'none'}, ${s.durationMs} ms)`,
      );
      const failed = e.steps.find((s) => s.code !== 0);
      const head = e.ok
        ? `:white_check_mark: Ran on ${inert(reply.action.host, 100)} in ${secs(e.durationMs / 1000)}; checking that ${inert(reply.site, 100)} recovered…`
        : `:x: *${inert(reply.action.title, 300)}* failed${e.error ? `: ${inert(e.error.message, 500)}` : ''}. The rest was not run.`;
      const blocks = [section(head)];
      if (lines.length) blocks.push(section(codeBlock(lines, LIMITS.sectionText - 100, 10).text));
      if (failed?.output)
        blocks.push(section(codeBlock(failed.output.split('\n').map(redactSecrets), 1500, 8).text));
      return message(head, blocks);
    }
    case 'remediation-verified': {
      const text = reply.recovered
        ? `:large_green_circle: *${inert(reply.site, 100)} recovered* in ${secs(reply.seconds)} after “${inert(reply.action.title, 300)}”.`
        : `:red_circle: *${inert(reply.site, 100)} still failing* ${secs(reply.seconds)} after “${inert(reply.action.title, 300)}”: ${inert(reply.headline, 700)}. The next steps are below.`;
      return message(text);
    }
    case 'dry-run': {
      const head = reply.error
        ? `:warning: Dry run of *${inert(reply.action.title, 300)}* cannot plan: ${inert(reply.error.message, 500)}`
        : `:mag: Dry run of *${inert(reply.action.title, 300)}* (${reply.action.risk}) on ${inert(reply.action.host, 100)}: these exact commands would run. Nothing was run.`;
      return message(head, [
        section(head),
        ...(reply.steps.length ? [section(codeBlock(reply.steps, LIMITS.sectionText - 100, 12).text)] : []),
      ]);
    }
    case 'heal-paused':
      return reply.opened
        ? message(
            `:octagonal_sign: *Self-healing stopped* for ${inert(reply.site, 100)}: ${inert(reply.reason, 500)}.`,
          )
        : message(
            `:pause_button: Self-healing of ${inert(reply.site, 100)} is paused (breaker open): ${inert(reply.reason, 500)}.`,
          );
    case 'audit': {
      const title = `Audit log${reply.site ? ` of ${inert(reply.site, 100)}` : ''}`;
      if (reply.entries.length === 0) return message(`${title}: nothing yet.`);
      const lines = reply.entries.map((e) => {
        const d = e.detail as {
          action?: string;
          code?: string;
          ok?: boolean;
          recovered?: boolean;
          seconds?: number;
        };
        const extra = [
          typeof d.code === 'string' ? `\`${inert(d.code, 100)}\`` : '',
          d.ok !== undefined ? (d.ok ? 'ok' : 'FAILED') : '',
          d.recovered !== undefined
            ? d.recovered
              ? `recovered in ${Number(d.seconds)} s`
              : 'still failing'
            : '',
        ].filter(Boolean);
        return `• ${inert(e.at.slice(0, 19).replace('T', ' '), 30)} · *${inert(e.event, 30)}* · ${e.actor ? who(e.actor) : '—'} · ${inert(e.site, 100)} · ${inert(typeof d.action === 'string' ? d.action : '', 200)}${extra.length ? ` · ${extra.join(' · ')}` : ''}`;
      });
      return message(title, [section(`*${title}* (newest first)\n${lines.join('\n')}`)]);
    }
  }
}
