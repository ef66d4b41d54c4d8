import type { ProposedAction } from '../../core/model/action.js';
import type { Approvals, PendingButton } from '../../core/model/approvals.js';
import type { Report } from '../../core/model/report.js';
import { storeProblemText } from '../../core/model/storeProblem.js';
import { redactSecrets } from '../../core/redact.js';
import { basisText, reportParts, verdictText } from '../render/verdictText.js';
import { type Block, clip, codeBlock, escapeMrkdwn as esc, LIMITS, section } from './blockLimits.js';
import { blindBlock, pathBlock } from './reportPathBlocks.js';

const statusEmoji: Record<Report['status'], string> = {
  healthy: ':large_green_circle:',
  degraded: ':large_yellow_circle:',
  down: ':red_circle:',
  unknown: ':grey_question:',
};
/** The headline names the status, except an unknown one's ("shop answers, but …"): say it. */
const statusWord: Partial<Record<Report['status'], string>> = { unknown: '*Unknown*: ' };
const checkEmoji: Record<string, string> = { ok: '✓', warn: '!', critical: '✗', error: '?', skipped: '–' };

export interface RenderedReport {
  text: string;
  blocks: Block[];
  /** True when evidence did not fit: the full report goes in the thread as a file. */
  clipped: boolean;
}

const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, LIMITS.contextElementText) }],
});

/**
 * A report as Block Kit: the status and headline, what it rests on, the request's path, the
 * causes with evidence (or the verdict when none stands), what Medic could not see, per-host
 * checks and proposed actions. Every string from the report is escaped. Pure.
 */
export function reportBlocks(
  report: Report,
  opts: { maxCauses?: number; approvals?: Approvals | undefined } = {},
): RenderedReport {
  const parts = reportParts(report);
  let clipped = false;
  const blocks: Block[] = [];
  const headline = esc(clip(report.headline, 700));
  const text = clip(`${statusWord[report.status] ?? ''}${headline}`, LIMITS.fallbackText);
  blocks.push(section(`${statusEmoji[report.status]} ${statusWord[report.status] ?? ''}*${headline}*`));
  const probe = report.findings.find((f) => f.kind === 'site-probe');
  const basis =
    parts.basis && (report.status === 'down' || report.status === 'degraded')
      ? ` · based on ${basisText(parts.basis, report.status)}`
      : '';
  blocks.push(
    context(
      `${esc(clip(probe?.evidence[0] ?? report.site, 500))}${basis} · playbook \`${esc(clip(report.playbook, 100))}\` · ${(report.durationMs / 1000).toFixed(1)} s · report \`${esc(clip(report.id, 100))}\``,
    ),
  );
  if (report.notSaved) {
    blocks.push(context(`:warning: Not saved: ${esc(clip(storeProblemText(report.notSaved), 500))}`));
  }
  const causes = parts.causes.slice(0, opts.maxCauses ?? 3);
  const path = pathBlock(
    parts,
    causes.map((c) => c.title),
  );
  if (path) {
    blocks.push(path.block);
    clipped ||= path.clipped;
  }
  const verdict = verdictText(report, parts);
  if (verdict) blocks.push(section(esc(verdict)));

  if (causes.length > 0 && report.status === 'healthy') blocks.push(context('*Also noticed*'));
  causes.forEach((c, i) => {
    blocks.push({ type: 'divider' });
    const hosts = c.hosts.map((h) => esc(clip(h, 100))).join(', ') || 'site';
    blocks.push(
      section(
        `*${i + 1}. ${esc(clip(c.title, 700))}*\n\`${esc(clip(c.id, 50))}\` · ${Math.round(c.confidence * 100)}% · ${clip(hosts, 500)}`,
      ),
    );
    if (c.evidence.length > 0) {
      const code = codeBlock(c.evidence.map(redactSecrets), LIMITS.sectionText, 6);
      clipped ||= code.clipped;
      blocks.push(section(code.text));
    }
  });
  if (parts.causes.length > causes.length) clipped = true;
  const blind = blindBlock(parts);
  if (blind) {
    blocks.push({ type: 'divider' }, blind.block);
    clipped ||= blind.clipped;
  }

  blocks.push({ type: 'divider' });
  const byHost = new Map<string, string[]>();
  for (const c of report.checks) {
    const line = `${checkEmoji[c.status] ?? '?'} ${esc(clip(c.check, 100))}${c.note ? ' (one channel per step)' : ''}`;
    byHost.set(c.host, [...(byHost.get(c.host) ?? []), line]);
  }
  const table = [...byHost]
    .map(([host, checks]) => `*${esc(clip(host, 100))}*  ${checks.join('  ')}`)
    .join('\n');
  if (table.length > LIMITS.sectionText) clipped = true;
  blocks.push(section(table));

  if (report.actions.length > 0) {
    const approvals = opts.approvals ?? {};
    // A rollback resolved on the host when proposed shows what approving it runs, not a placeholder.
    const commands = (a: ProposedAction) => approvals[a.id]?.steps ?? a.preview;
    const previews = report.actions
      .map(
        (a) =>
          `• [${a.risk}${a.manual ? ', by hand' : ''}] ${esc(clip(a.title, 300))}: \`${esc(clip(commands(a).join(' && '), 500))}\``,
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
                  text: clip(`${esc(a.title)}\n\`${esc(commands.join(' && '))}\``, 300),
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
