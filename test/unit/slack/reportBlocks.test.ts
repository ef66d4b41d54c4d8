import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/adapters/slack/blockLimits.js';
import { foldProgress, newProgress, progressText } from '../../../src/adapters/slack/progressText.js';
import { replyMessage } from '../../../src/adapters/slack/replyBlocks.js';
import { reportBlocks, retireActionRow } from '../../../src/adapters/slack/reportBlocks.js';
import { unescapeSlack } from '../../../src/adapters/slack/slackBot.js';
import type { Report } from '../../../src/core/model/report.js';

const report = JSON.parse(
  readFileSync(new URL('../../golden/report-upstream-down.json', import.meta.url), 'utf8'),
) as Report;

// biome-ignore lint/suspicious/noExplicitAny: walking arbitrary Block Kit JSON
type AnyBlock = Record<string, any>;
function texts(blocks: AnyBlock[]): string[] {
  return blocks
    .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e: AnyBlock) => e.text?.text ?? e.text)])
    .filter((t) => typeof t === 'string');
}

describe('reportBlocks (golden)', () => {
  it('renders the real php-fpm-stopped report', async () => {
    const pendingId = '6f1c2a4e-2b7d-4c55-9a57-3c0d7e1f9b10';
    const r = reportBlocks(report, { approvals: { [report.actions[0]?.id as string]: { id: pendingId } } });
    await expect(`${JSON.stringify(r, null, 2)}\n`).toMatchFileSnapshot(
      '../../golden/slack-report-upstream-down.json',
    );
    expect(r.clipped).toBe(false);
    const actions = r.blocks.find((b) => b.type === 'actions') as AnyBlock;
    expect(actions.elements.map((e: AnyBlock) => [e.action_id, e.value])).toEqual([
      ['medic_approve_0', pendingId],
      ['medic_dryrun_0', pendingId],
      ['medic_reject_0', pendingId],
    ]);
    // A restart is destructive: red, with a confirm dialog that shows the exact commands.
    expect(actions.elements[0]).toMatchObject({ style: 'danger', confirm: { style: 'danger' } });
    expect(actions.elements[0].confirm.text.text).toContain('systemctl restart -- php8.2-fpm.service');
    // Buttons carry an opaque id, never a command.
    for (const e of actions.elements) expect(e.value).not.toMatch(/systemctl|\s/);
    // Without pending approvals (console, no store) there are no buttons at all.
    expect(reportBlocks(report).blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('a rollback resolved when proposed shows, and confirms, the release it will switch to', () => {
    const rollback = {
      id: 'rollback-symlink:web1:/srv/shop/current',
      kind: 'rollback-symlink',
      title: 'Roll back /srv/shop/current to the previous release on web1',
      host: 'web1',
      target: '/srv/shop/current',
      risk: 'rollback' as const,
      params: { path: '/srv/shop/current' },
      preview: ['ln -sfn -- /srv/shop/releases/<previous> /srv/shop/current.medic-new'],
    };
    const resolved = ['sudo -- ln -sfn -- releases/r2 /srv/shop/current.medic-new'];
    const r = reportBlocks(
      { ...report, actions: [rollback] },
      { approvals: { [rollback.id]: { id: 'p-1', steps: resolved } } },
    );
    const text = JSON.stringify(r.blocks);
    expect(text).toContain('releases/r2');
    expect(text).not.toContain('<previous>');
    const actions = r.blocks.find((b) => b.type === 'actions') as AnyBlock;
    expect(actions.elements[0].confirm.text.text).toContain('releases/r2');
  });
});

describe('Block Kit limits', () => {
  it('stays within every limit with huge evidence and many actions, and says what it cut', () => {
    const long = 'x'.repeat(5000);
    const huge: Report = {
      ...report,
      headline: long,
      causes: Array.from({ length: 40 }, (_, i) => ({
        id: 'upstream-down' as const,
        title: `${long} ${i}`,
        confidence: 0.5,
        evidence: Array.from({ length: 60 }, () => `${long} <secret>`),
        hosts: ['web1'],
        actions: [],
      })),
      actions: Array.from({ length: 60 }, (_, i) => ({
        ...(report.actions[0] as Report['actions'][number]),
        id: `a${i}`,
        title: long,
      })),
      checks: Array.from({ length: 500 }, (_, i) => ({
        check: `check-${i}`,
        host: `host-${i % 30}`,
        status: 'ok' as const,
        durationMs: 1,
      })),
    };
    const approvals = Object.fromEntries(huge.actions.map((a, i) => [a.id, { id: `pending-${i}` }]));
    const r = reportBlocks(huge, { approvals });
    expect(r.clipped).toBe(true);
    expect(r.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    for (const t of texts(r.blocks)) expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
    const actions = r.blocks.find((b) => b.type === 'actions') as AnyBlock;
    expect(actions.elements.length).toBeLessThanOrEqual(LIMITS.actionsElements);
    for (const b of actions.elements) {
      expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
      expect(b.value.length).toBeLessThanOrEqual(LIMITS.buttonValue);
    }
    expect(r.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    expect(JSON.stringify(r.blocks)).not.toContain('<secret>'); // mrkdwn control characters escaped
  });
});

describe('progress and replies', () => {
  it('shows one progress line per host', () => {
    const s = newProgress('shop', '502-triage');
    foldProgress(s, {
      type: 'run-started',
      site: 'shop',
      playbook: '502-triage',
      hosts: ['medic', 'web1', 'web2'],
      total: 5,
      perHost: { medic: 1, web1: 2, web2: 2 },
    });
    foldProgress(s, {
      type: 'check-finished',
      run: { check: 'http-probe', host: 'medic', status: 'critical', durationMs: 3 },
      done: 1,
      total: 5,
    });
    foldProgress(s, {
      type: 'check-finished',
      run: { check: 'memory', host: 'web1', status: 'ok', durationMs: 3 },
      done: 2,
      total: 5,
    });
    foldProgress(s, {
      type: 'host-failed',
      host: 'web2',
      code: 'transport.refused',
      message: 'connection refused by 10.0.0.6:22',
    });
    expect(progressText(s)).toBe(
      [
        ':stethoscope: Diagnosing *shop* with `502-triage`… 2/5 checks',
        '• *medic*: :x: 1/1 (http-probe critical)',
        '• *web1*: :hourglass_flowing_sand: 1/2',
        '• *web2*: :warning: connection refused by 10.0.0.6:22',
      ].join('\n'),
    );
  });
  it('offers a picker instead of guessing', () => {
    const m = replyMessage({ type: 'picker', query: 'shop and api are down', sites: ['api', 'shop'] });
    const actions = m?.blocks?.[1] as AnyBlock;
    expect(actions.elements.map((e: AnyBlock) => [e.action_id, e.value])).toEqual([
      ['medic_pick_site_0', 'api'],
      ['medic_pick_site_1', 'shop'],
    ]);
  });
  it('renders history with who asked', () => {
    const m = replyMessage({
      type: 'history',
      site: 'shop',
      entries: [
        {
          id: 'r1',
          site: 'shop',
          playbook: '502-triage',
          status: 'down',
          headline: 'h',
          topCause: 'upstream-down',
          startedAt: '2026-11-22T02:53:33.000Z',
          durationMs: 200,
          trigger: 'slack',
          requestedBy: 'U42',
        },
      ],
    });
    expect(texts(m?.blocks ?? [])[0]).toBe(
      '*Last runs of shop*\n• 2026-11-22 02:53:33 UTC · *down* · upstream-down · slack by <@U42> · `r1`',
    );
  });
});

describe('retiring a decided action', () => {
  it('replaces only that row of buttons with who decided, keeping the rest', () => {
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: 'x' } },
      { type: 'actions', block_id: 'medic_action_0', elements: [] },
      { type: 'actions', block_id: 'medic_action_1', elements: [] },
    ];
    const out = retireActionRow(blocks, 'medic_action_1', 'Rejected by <@U3>: Restart nginx');
    expect(out[1]).toBe(blocks[1]);
    expect(out[2]).toEqual({
      type: 'context',
      block_id: 'medic_action_1',
      elements: [{ type: 'mrkdwn', text: 'Rejected by <@U3>: Restart nginx' }],
    });
  });
});

describe('escaped slash-command text', () => {
  it('shows what people typed', () => {
    expect(
      unescapeSlack(
        'schedule add "*/5 * * * *" 502-triage shop <#C7|ops> &lt;b&gt; &amp; <@U1|ann> <https://x.io|x.io>',
      ),
    ).toBe('schedule add "*/5 * * * *" 502-triage shop #ops <b> & @ann https://x.io');
  });
});
