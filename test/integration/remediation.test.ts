/**
 * Approval-gated remediation end to end on a real fleet host (systemd, sshd, nginx, php-fpm):
 * signed Slack requests to the real HTTP receiver, a real restart over SSH, a real recovery,
 * and every way a click must not run anything (the misuse matrix), each audited.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/ports.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { Fleet, type FleetHost } from '../support/fleet.js';
import { type RemediationBot, SECRET, startRemediationBot } from '../support/remediationBot.js';
import { buttonClick, mention, sign } from '../support/slackRequests.js';
import { eventually } from '../support/sshKit.js';

const fleet = new Fleet();
const fake = new FakeSlack();
let web1: FleetHost;
let config: string;
let bot: RemediationBot;
/** Real time plus an offset the expiry test moves forward. */
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

const policy = `
remediation:
  approvers:
    - { users: [U9, U7], groups: [S1], maxRisk: rollback }
  verify: { timeoutSeconds: 45, intervalSeconds: 1 }
`;

type Call = ReturnType<FakeSlack['of']>[number];
const inThread = (ts: string) => fake.of('chat.postMessage').filter((c) => c.args.thread_ts === ts);
const texts = (ts: string) =>
  inThread(ts).map((c) => `${c.args.text} ${JSON.stringify(c.args.blocks ?? '')}`);
let n = 0;
const nextTs = () => `${2000 + ++n}.1`;

/** The value (pending id) of the approve button of the action titled `title` in a summary. */
function approveValue(summary: Call, title: RegExp): string {
  type Button = { action_id: string; value: string; text: { text: string } };
  const blocks = summary.args.blocks as Array<{ type: string; elements?: Button[] }>;
  for (const b of blocks) {
    const approve = b.elements?.find((e) => String(e.action_id).startsWith('medic_approve_'));
    if (approve && title.test(approve.text.text)) return approve.value;
  }
  throw new Error(`no approve button matching ${title}`);
}

async function breakAndReport(user = 'U7'): Promise<{ ts: string; pending: string; summary: Call }> {
  await web1.sh(
    'systemctl stop php8.2-fpm; curl -s -o /dev/null -H "Host: shop.example.com" http://127.0.0.1/',
  );
  const ts = nextTs();
  expect(await bot.send(JSON.stringify(mention('<@UBOT> 502 on shop.example.com', ts, 'C1', user)))).toBe(
    200,
  );
  const summary = await fake.waitFor(
    () => inThread(ts).find((c) => JSON.stringify(c.args.blocks ?? '').includes('medic_approve_')),
    60_000,
  );
  return { ts, pending: approveValue(summary, /Restart php8\.2-fpm\.service on web1/), summary };
}

const startFpm = 'systemctl reset-failed php8.2-fpm; systemctl start php8.2-fpm';
const fpmState = async () => (await web1.sh('systemctl is-active php8.2-fpm || true')).trim();
const audit = (site = 'shop') =>
  (bot.medic.remediator as NonNullable<RemediationBot['medic']['remediator']>).auditLog(site, 200);
const eventsOf = async (pending: string) =>
  (await audit())
    .filter((e) => e.pendingId === pending)
    .map((e) => [e.event, e.actor, e.detail.code ?? null]);
const response = (id: string) => fake.waitFor(() => fake.responses.find((r) => r.id === id), 30_000);

beforeAll(async () => {
  await fleet.prepare();
  await fake.start();
  fake.usergroups.set('S1', ['U8']);
  await fleet.startHost('web2'); // web1's nginx resolves web2 (api.conf)
  web1 = await fleet.startHost('web1');
  config = fleet.writeConfig(`${web1.shopConfigYaml()}${policy}`);
  bot = await startRemediationBot(config, fake, clock);
}, 600_000);

afterAll(async () => {
  await bot?.stop();
  await fake.stop();
  await fleet.stop();
});

describe('approve → restart → verified recovery', () => {
  it('php-fpm stopped: an approver clicks, the unit restarts over SSH, the thread says recovered', async () => {
    const { ts, pending, summary } = await breakAndReport();
    const reportTs = String(summary.answer?.ts);
    const blocks = summary.args.blocks as unknown[];
    expect(
      await bot.click('medic_approve_0', pending, 'U9', ts, 'ok1', {
        ts: reportTs,
        blocks,
        blockId: 'medic_action_0',
      }),
    ).toBe(200);
    await fake.waitFor(() => texts(ts).find((t) => t.includes('*shop recovered* in')), 90_000);
    const thread = texts(ts).join('\n');
    expect(thread).toContain('<@U9> approved *Restart php8.2-fpm.service on web1*: running');
    expect(thread).toContain('sudo -- systemctl restart -- php8.2-fpm.service');
    expect(thread).toMatch(/:white_check_mark: Ran on web1 in [\d.]+ s/);
    expect(await fpmState()).toBe('active');
    const status = await web1.sh(
      'curl -s -o /dev/null -w "%{http_code}" -H "Host: shop.example.com" http://127.0.0.1/',
    );
    expect(status.trim()).toBe('200');
    const log = (await audit()).filter((e) => e.pendingId === pending);
    expect(log.map((e) => e.event).reverse()).toEqual(['proposed', 'approved', 'executed', 'verified']);
    const executed = log.find((e) => e.event === 'executed');
    expect(executed?.actor).toBe('U9');
    expect(executed?.detail).toMatchObject({
      ok: true,
      steps: [
        { command: 'sudo -- systemctl reset-failed -- php8.2-fpm.service', code: 0 },
        { command: 'sudo -- systemctl restart -- php8.2-fpm.service', code: 0 },
        { command: 'sudo -- systemctl is-active -- php8.2-fpm.service', code: 0 },
      ],
    });
    expect(log.find((e) => e.event === 'approved')?.detail).toMatchObject({
      requestedBy: 'U7',
      causes: ['upstream-down'],
      evidence: expect.arrayContaining([expect.stringMatching(/php8\.2-fpm\.sock failed \(2: No such file/)]),
    });
    expect(log.find((e) => e.event === 'verified')?.detail).toMatchObject({ recovered: true });
    // The decided action's buttons are gone from the report, replaced by who approved it.
    const update = fake.of('chat.update').find((c) => c.args.ts === reportTs);
    const row = ((update?.args.blocks ?? []) as Array<{ block_id?: string; type: string }>).find(
      (b) => b.block_id === 'medic_action_0',
    );
    expect(row).toMatchObject({ type: 'context' });
    expect(JSON.stringify(row)).toContain('Approved by <@U9>: Restart php8.2-fpm.service on web1');
    expect(JSON.stringify(update?.args.blocks)).not.toContain('medic_approve_0');
  }, 150_000);
});

describe('the misuse matrix: nothing runs, the audit records the refusal', () => {
  let ts = '';
  let pending = '';
  beforeAll(async () => {
    ({ ts, pending } = await breakAndReport('U7'));
  }, 90_000);

  it('a non-approver click is refused, ephemerally', async () => {
    await bot.click('medic_approve_0', pending, 'U5', ts, 'm1');
    expect((await response('m1')).body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('you are not an approver for shop'),
    });
    expect(await eventsOf(pending)).toContainEqual(['refused', 'U5', 'not-approver']);
  });

  it('the requester may not approve their own restart (four-eyes)', async () => {
    await bot.click('medic_approve_0', pending, 'U7', ts, 'm2');
    expect((await response('m2')).body.text).toContain('someone other than the requester');
    expect(await eventsOf(pending)).toContainEqual(['refused', 'U7', 'self-approval']);
  });

  it('a tampered action id is refused and audited without a site', async () => {
    await bot.click('medic_approve_0', `${pending.slice(0, -4)}beef`, 'U9', ts, 'm3');
    expect((await response('m3')).body.text).toContain('not a pending action');
    expect((await audit('-')).some((e) => e.event === 'refused' && e.detail.code === 'unknown-action')).toBe(
      true,
    );
  });

  it('a forged signature and a stale timestamp are refused (401) by the receiver, and audited', async () => {
    const body = buttonClick('medic_approve_0', pending, fake.responseUrl('m4'), ts, 'C1', 'U9');
    expect(await bot.send(body, sign('not-the-secret', body))).toBe(401);
    expect(await bot.send(body, sign(SECRET, body, Math.floor(Date.now() / 1000) - 600))).toBe(401);
    const codes = (await audit('-')).map((e) => e.detail.code);
    expect(codes).toContain('bad-signature');
    expect(codes).toContain('stale-timestamp');
  });

  it('nothing ran so far', async () => {
    expect(await fpmState()).not.toBe('active');
    expect((await eventsOf(pending)).filter(([e]) => e === 'executed' || e === 'approved')).toEqual([]);
  });

  it('a double click (two approvers at once) runs it once; a replayed payload is refused', async () => {
    const a = bot.clickBody('medic_approve_0', pending, 'U9', ts, 'm5');
    const b = bot.clickBody('medic_approve_0', pending, 'U8', ts, 'm6');
    await Promise.all([bot.send(a), bot.send(b)]);
    await fake.waitFor(() => texts(ts).find((t) => t.includes('*shop recovered* in')), 90_000);
    expect(await bot.send(a)).toBe(200); // replay of a signed, still-fresh payload
    await response('m5');
    await response('m6');
    const events = await eventsOf(pending);
    expect(events.filter(([e]) => e === 'executed')).toHaveLength(1);
    expect(events.filter(([e]) => e === 'approved')).toHaveLength(1);
    expect(events.filter(([e, , code]) => e === 'refused' && code === 'already-decided').length).toBe(2);
  }, 120_000);

  it('an approval after a newer diagnosis that no longer proposes it is stale', async () => {
    const first = await breakAndReport('U7');
    await web1.sh(startFpm);
    const ts2 = nextTs();
    await bot.send(JSON.stringify(mention('<@UBOT> check shop', ts2, 'C1', 'U7')));
    await fake.waitFor(() => inThread(ts2).find((c) => Array.isArray(c.args.blocks)), 60_000);
    await bot.click('medic_approve_0', first.pending, 'U9', first.ts, 'm7');
    expect((await response('m7')).body.text).toContain('a newer diagnosis of this site no longer proposes');
    expect(await eventsOf(first.pending)).toContainEqual(['refused', 'U9', 'stale']);
    expect((await eventsOf(first.pending)).some(([e]) => e === 'executed')).toBe(false);
  }, 120_000);

  it('an expired approval is refused (the clock moved 16 minutes)', async () => {
    const { ts: t, pending: p } = await breakAndReport('U7');
    offsetMs = 16 * 60_000;
    try {
      await bot.click('medic_approve_0', p, 'U9', t, 'm8');
      expect((await response('m8')).body.text).toContain('expired');
    } finally {
      offsetMs = 0;
    }
    expect(await eventsOf(p)).toEqual(
      expect.arrayContaining([
        ['expired', null, null],
        ['refused', 'U9', 'expired'],
      ]),
    );
    expect(await fpmState()).not.toBe('active');
  }, 120_000);

  it('the bot restarted between proposal and approval: still approvable, runs once', async () => {
    const { ts: t, pending: p } = await breakAndReport('U7');
    await bot.stop();
    bot = await startRemediationBot(config, fake, clock);
    await bot.click('medic_approve_0', p, 'U8', t, 'm9'); // U8 approves through user group S1
    await fake.waitFor(() => texts(t).find((x) => x.includes('*shop recovered* in')), 90_000);
    await bot.click('medic_approve_0', p, 'U9', t, 'm10');
    expect((await response('m10')).body.text).toContain('already');
    const events = await eventsOf(p);
    expect(events.filter(([e]) => e === 'executed')).toEqual([['executed', 'U8', null]]);
    expect(await fpmState()).toBe('active');
  }, 150_000);

  it('a reject withdraws the action; approving it afterwards is refused', async () => {
    const { ts: t, pending: p } = await breakAndReport('U7');
    await bot.click('medic_reject_0', p, 'U7', t, 'm11');
    await fake.waitFor(() => texts(t).find((x) => x.includes('<@U7> rejected')), 30_000);
    await bot.click('medic_approve_0', p, 'U9', t, 'm12');
    expect((await response('m12')).body.text).toContain('already');
    expect((await eventsOf(p)).map(([e]) => e)).not.toContain('executed');
    expect(await fpmState()).not.toBe('active');
    await web1.sh(startFpm);
  }, 120_000);

  it('a dry run shows the exact commands, ephemerally, and runs nothing', async () => {
    const { ts: t, pending: p } = await breakAndReport('U7');
    await bot.click('medic_dryrun_0', p, 'U5', t, 'm14'); // not the requester, not an approver
    expect((await response('m14')).body.text).toContain('only the requester or an approver');
    await bot.click('medic_dryrun_0', p, 'U7', t, 'm13');
    const r = await response('m13');
    expect(JSON.stringify(r.body)).toContain('sudo -- systemctl restart -- php8.2-fpm.service');
    expect(r.body.response_type).toBe('ephemeral');
    expect(await fpmState()).not.toBe('active');
    await web1.sh(startFpm);
  }, 120_000);
});

describe('self-healing within a budget', () => {
  it('heals twice by itself, then the breaker opens and a human must approve', async () => {
    const file = join(fleet.keyDir, 'heal.yaml');
    writeFileSync(
      file,
      `${web1.shopConfigYaml().replace('store: { path: medic.db }', 'store: { path: heal.db }')}${policy}  selfHealing:
    - { cause: upstream-down, action: restart-unit, target: php8.2-fpm.service, maxRuns: 2, windowMinutes: 60 }
`,
    );
    await bot.stop();
    bot = await startRemediationBot(file, fake, clock);
    for (const round of [1, 2]) {
      const { ts } = await breakAndReport('U7');
      await fake.waitFor(() => texts(ts).find((t) => t.includes('*shop recovered* in')), 90_000);
      expect(texts(ts).join('\n')).toContain(':robot_face: Self-healing');
      expect(await fpmState()).toBe('active');
      // The budget lives in the store: a restart of Medic does not reset it.
      if (round === 1) {
        await bot.stop();
        bot = await startRemediationBot(file, fake, clock);
      }
    }
    const third = await breakAndReport('U7');
    await fake.waitFor(() => texts(third.ts).find((t) => t.includes('Self-healing stopped')), 30_000);
    expect(texts(third.ts).join('\n')).toContain('2 automatic run(s)');
    await new Promise((r) => setTimeout(r, 3000));
    expect(await fpmState()).not.toBe('active');
    const log = await audit();
    expect(log.filter((e) => e.event === 'auto-approved')).toHaveLength(2);
    expect(log.filter((e) => e.event === 'breaker-open')).toHaveLength(1);

    const fourth = await breakAndReport('U7');
    await fake.waitFor(
      () => texts(fourth.ts).find((t) => t.includes('Self-healing of shop is paused')),
      30_000,
    );
    expect((await audit()).filter((e) => e.event === 'auto-approved')).toHaveLength(2);

    await bot.click('medic_approve_0', fourth.pending, 'U9', fourth.ts, 'h1');
    await fake.waitFor(() => texts(fourth.ts).find((t) => t.includes('*shop recovered* in')), 90_000);
    // The breaker closes once the run has verified recovery, after the message that says so.
    const closed = async () => (await audit()).some((e) => e.event === 'breaker-closed' && e.actor === 'U9');
    expect(await eventually(closed, 10_000)).toBe(true);
  }, 400_000);
});
