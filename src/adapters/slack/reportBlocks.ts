import { toShell } from '../../core/command.js';
import type { Report } from '../../core/model/report.js';
import { redactSecrets } from '../../core/redact.js';
import { type Block, clip, codeBlock, escapeMrkdwn, LIMITS } from './blockLimits.js';

const statusEmoji: Record<Report['status'], string> = {
  healthy: ':large_green_circle:',
  degraded: ':large_yellow_circle:',
  down: ':red_circle:',
};
const checkEmoji: Record<string, string> = { ok: '✓', warn: '!', critical: '✗', error: '?', skipped: '–' };

/** The opaque value of an action button: which report, which action. Never a command. */
export function actionValue(reportId: string, index: number): string {
  return clip(`${reportId}#${index}`, LIMITS.buttonValue);
}

export interface RenderedReport {
  text: string;
  blocks: Block[];
  /** True when evidence did not fit: the full report goes in the thread as a file. */
  clipped: boolean;
}

/** A report as Block Kit: headline, causes with evidence, per-host checks, proposed actions. Pure. */
export function reportBlocks(report: Report, opts: { maxCauses?: number } = {}): RenderedReport {
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
    const previews = report.actions
      .map(
        (a) =>
          `• [${a.risk}] ${escapeMrkdwn(a.title)}: \`${escapeMrkdwn(a.preview.map(toShell).join(' && '))}\``,
      )
      .join('\n');
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(`*Proposed actions* (each needs an approval)\n${previews}`, LIMITS.sectionText),
      },
    });
    const buttons = report.actions.slice(0, LIMITS.actionsElements).map((a, i) => ({
      type: 'button',
      action_id: `medic_action_${i}`,
      text: { type: 'plain_text', text: clip(a.title, LIMITS.buttonText) },
      value: actionValue(report.id, i),
      ...(a.risk === 'read' ? {} : { style: a.risk === 'reload' ? 'primary' : 'danger' }),
      ...(a.risk === 'read' || a.risk === 'reload'
        ? {}
        : {
            confirm: {
              title: { type: 'plain_text', text: 'Ask for approval?' },
              text: {
                type: 'mrkdwn',
                text: clip(
                  `${escapeMrkdwn(a.title)} (${a.risk}). An authorized person must approve it.`,
                  300,
                ),
              },
              confirm: { type: 'plain_text', text: 'Request' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          }),
    }));
    blocks.push({ type: 'actions', block_id: 'medic_actions', elements: buttons });
  }
  return { text, blocks: blocks.slice(0, LIMITS.blocks), clipped };
}
