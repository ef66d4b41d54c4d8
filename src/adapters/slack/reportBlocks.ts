import type { ProposedAction } from '../../core/model/action.js';
import type { Approvals, PendingButton } from '../../core/model/approvals.js';
import type { Report } from '../../core/model/report.js';
import { redactSecrets } from '../../core/redact.js';
import { type Block, clip, codeBlock, escapeMrkdwn, LIMITS, section } from './blockLimits.js';

const statusEmoji: Record<Report['status'], string> = {
  healthy: ':large_green_circle:',
  degraded: ':large_yellow_circle:',
  down: ':red_circle:',
  unknown: ':white_circle:',
};
const checkEmoji: Record<string, string> = { ok: '✓', warn: '!', critical: '✗', error: '?', skipped: '–' };

export interface RenderedReport {
  text: string;
  blocks: Block[];
  /** True when evidence did not fit: the full report goes in the thread as a file. */
  clipped: boolean;
}

/** A report as Block Kit: headline, causes with evidence, per-host checks, proposed actions. Pure. */
export function reportBlocks(
  report: Report,
  opts: { maxCauses?: number; approvals?: Approvals | undefined } = {},
): RenderedReport {
  let clipped = false;
  const blocks: Block[] = [];
  const text = clip(`${report.headline}`, LIMITS.fallbackText);
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: clip(`${statusEmoji[report.status]} *${escapeMrkdwn(report.headline)}*`, LIMITS.sectionText),
    },
  });
  const probe = report.findings.find((f) => f.kind === 'site-probe');
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: clip(
          `${escapeMrkdwn(probe?.evidence[0] ?? report.site)} · playbook \`${report.playbook}\` · ${(report.durationMs / 1000).toFixed(1)} s · report \`${report.id}\``,
          LIMITS.contextElementText,
        ),
      },
    ],
  });
  const causes = report.causes.slice(0, opts.maxCauses ?? 3);
  causes.forEach((c, i) => {
    blocks.push({ type: 'divider' });
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `*${i + 1}. ${escapeMrkdwn(c.title)}*\n\`${c.id}\` · ${Math.round(c.confidence * 100)}% · ${c.hosts.join(', ') || 'site'}`,
          LIMITS.sectionText,
        ),
      },
    });
    if (c.evidence.length > 0) {
      const code = codeBlock(c.evidence.map(redactSecrets), LIMITS.sectionText, 6);
      clipped ||= code.clipped;
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: code.text } });
    }
  });
  if (report.causes.length > causes.length) clipped = true;

  blocks.push({ type: 'divider' });
  const byHost = new Map<string, string[]>();
  for (const c of report.checks) {
    byHost.set(c.host, [...(byHost.get(c.host) ?? []), `${checkEmoji[c.status] ?? '?'} ${c.check}`]);
  }
  const table = [...byHost]
    .map(([host, checks]) => `*${escapeMrkdwn(host)}*  ${checks.join('  ')}`)
    .join('\n');
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(table, LIMITS.sectionText) } });

  if (report.actions.length > 0) {
    const approvals = opts.approvals ?? {};
    // A rollback resolved on the host when proposed shows what approving it runs, not a placeholder.
    const commands = (a: ProposedAction) => approvals[a.id]?.steps ?? a.preview;
    const previews = report.actions
      .map(
        (a) =>
          `• [${a.risk}${a.manual ? ', by hand' : ''}] ${escapeMrkdwn(a.title)}: \`${escapeMrkdwn(commands(a).join(' && '))}\``,
      )
      .join('\n');
    const how = Object.keys(approvals).length
      ? 'an approver runs one with its button'
      : 'each needs an approval';
    blocks.push(section(`*Proposed actions* (${how})\n${previews}`));
    report.actions
      .filter((a) => approvals[a.id])
      .slice(0, MAX_ACTION_ROWS)
      .forEach((a, i) => {
        const button = approvals[a.id] as PendingButton;
        blocks.push(actionButtons(a, button.id, i, commands(a)));
      });
  }
  return { text, blocks: blocks.slice(0, LIMITS.blocks), clipped };
}

/** Rows of buttons at most: the blocks limit leaves room for causes and evidence. */
const MAX_ACTION_ROWS = 8;

/**
 * Approve / dry run / reject for one proposed action. Every value is the opaque id of the
 * pending action stored server-side: nothing executable travels through Slack.
 */
export function actionButtons(
  a: ProposedAction,
  pendingId: string,
  i: number,
  commands: readonly string[] = a.preview,
): Block {
  const value = clip(pendingId, LIMITS.buttonValue);
  const destructive = a.risk !== 'read' && a.risk !== 'reload';
  return {
    type: 'actions',
    block_id: `medic_action_${i}`,
    elements: [
      {
        type: 'button',
        action_id: `medic_approve_${i}`,
        text: { type: 'plain_text', text: clip(`Approve: ${a.title}`, LIMITS.buttonText) },
        value,
        style: destructive ? 'danger' : 'primary',
        ...(a.risk === 'read'
          ? {}
          : {
              confirm: {
                title: { type: 'plain_text', text: clip(`Run this ${a.risk}?`, 100) },
                text: {
                  type: 'mrkdwn',
                  text: clip(`${escapeMrkdwn(a.title)}\n\`${escapeMrkdwn(commands.join(' && '))}\``, 300),
                },
                confirm: { type: 'plain_text', text: 'Approve and run' },
                deny: { type: 'plain_text', text: 'Cancel' },
                ...(destructive ? { style: 'danger' } : {}),
              },
            }),
      },
      {
        type: 'button',
        action_id: `medic_dryrun_${i}`,
        text: { type: 'plain_text', text: 'Dry run' },
        value,
      },
      {
        type: 'button',
        action_id: `medic_reject_${i}`,
        text: { type: 'plain_text', text: 'Reject' },
        value,
      },
    ],
  };
}

/**
 * The report's blocks with one action's buttons replaced by a line saying what became of it
 * (approved by, rejected by): the decision shows in place, and the buttons are gone. Pure.
 */
export function retireActionRow(blocks: readonly Block[], blockId: string, text: string): Block[] {
  return blocks.map((b) =>
    b.block_id === blockId
      ? {
          type: 'context',
          block_id: blockId,
          elements: [{ type: 'mrkdwn', text: clip(text, LIMITS.contextElementText) }],
        }
      : b,
  );
}
