/**
 * A real schedule end to end: a signed `/medic schedule add` creates it; it fires every two
 * seconds against a real fleet host; Slack hears only the changes — the site going down (one
 * root message, the report with its buttons in the thread) and coming back (in that thread),
 * then the whole host going down (frozen) and coming back, as a second incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/ports.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { Fleet, type FleetHost } from '../support/fleet.js';
import { type RemediationBot, startRemediationBot } from '../support/remediationBot.js';
import { slashCommand } from '../support/slackRequests.js';

const fleet = new Fleet();
const fake = new FakeSlack();
let web1: FleetHost;
let bot: RemediationBot;
let config = '';

/** A run longer than the 2 s between fire times posts a slow-run notice: legitimate, and not what these tests are about. */
const isSlowRun = (text: unknown) => String(text).includes('is still running after');
/** Messages in C7, slow-run notices left out. */
const posts = () =>
  fake.of('chat.postMessage').filter((c) => c.args.channel === 'C7' && !isSlowRun(c.args.text));
const roots = () => posts().filter((c) => !c.args.thread_ts);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Scheduled runs of shop stored so far (a report is stored before its run is judged). */
const scheduledRuns = async () =>
  ((await bot.medic.store?.history('shop', 1000)) ?? []).filter((h) => h.trigger === 'schedule').length;

/**
 * Wait until `n` more scheduled runs are stored. Runs of a schedule never overlap, so once
 * run k+1 is stored, run k has been judged and whatever it had to say was said.
 */
async function moreRuns(n: number, timeoutMs = 30_000): Promise<void> {
  const target = (await scheduledRuns()) + n;
  const end = Date.now() + timeoutMs;
  while ((await scheduledRuns()) < target) {
    if (Date.now() > end) throw new Error(`fewer than ${n} more scheduled runs in ${timeoutMs} ms`);
    await sleep(100);
  }
}

beforeAll(async () => {
  await fleet.prepare();
  await fake.start();
  await fleet.startHost('web2'); // web1's nginx resolves web2 (api.conf)
  web1 = await fleet.startHost('web1');
  config = fleet.writeConfig(`${web1.shopConfigYaml()}remediation:\n  approvers: [{ users: [U7] }]\n`);
  await startMedic();
}, 600_000);

/** Medic as `medic serve` runs it: the bot, then the scheduler on the same store. */
async function startMedic(clock?: Clock): Promise<void> {
  bot = await startRemediationBot(config, fake, clock);
  const { scheduler, scheduled, configuredSchedules } = bot.medic;
  if (!scheduler || !scheduled) throw new Error('no scheduler');
  scheduled.attach(scheduler, bot.bot.poster);
  await scheduler.start(configuredSchedules);
}

afterAll(async () => {
  await bot?.medic.scheduler?.stop();
  await bot?.stop();
  await fake.stop();
  await fleet.stop();
});

describe('a scheduled 502 triage that speaks only on change', () => {
  let id = '';

  it('only approvers of the site may create one', async () => {
    await bot.send(
      slashCommand('schedule add "*/2 * * * * *" 502-triage shop', fake.responseUrl('s0'), 'C1', 'U5'),
    );
    const r = await fake.waitFor(() => fake.responses.find((x) => x.id === 's0'), 10_000);
    expect(String(r.body.text)).toContain('only approvers of shop may change its schedules');
    expect(bot.medic.scheduler?.list()).toEqual([]);
  });

  it('is created from Slack and listed', async () => {
    const body = slashCommand(
      'schedule add "*/2 * * * * *" 502-triage shop <#C7|ops>',
      fake.responseUrl('s1'),
      'C1',
      'U7',
    );
    expect(await bot.send(body)).toBe(200);
    const r = await fake.waitFor(() => fake.responses.find((x) => x.id === 's1'), 10_000);
    const text = String(r.body.text);
    expect(text).toMatch(
      /Added `shop-502-triage-[0-9a-f]{6}`: 502-triage on shop at `\*\/2 \* \* \* \* \*` \(UTC\)/,
    );
    expect(text).toContain('It posts in <#C7>.');
    id = /`(shop-502-triage-[0-9a-f]{6})`/.exec(text)?.[1] ?? '';
    expect(
      bot.medic.scheduler?.list().map((v) => [v.schedule.id, v.schedule.channel, v.schedule.createdBy]),
    ).toEqual([[id, 'C7', 'U7']]);
  });

  it('healthy runs are quiet', async () => {
    await moreRuns(3); // two judged healthy, the third under way
    expect(posts()).toEqual([]);
  }, 30_000);

  it('down: one root message, the report in its thread; staying down is quiet', async () => {
    await web1.sh(
      'systemctl stop php8.2-fpm; curl -s -o /dev/null -H "Host: shop.example.com" http://127.0.0.1/',
    );
    const root = await fake.waitFor(() => roots()[0], 20_000);
    expect(String(root.args.text)).toContain(`*shop* is down (schedule \`${id}\`)`);
    const rootTs = String(root.answer?.ts);
    const report = await fake.waitFor(
      () => posts().find((c) => c.args.thread_ts === rootTs && Array.isArray(c.args.blocks)),
      20_000,
    );
    expect(JSON.stringify(report.args.blocks)).toContain('`upstream-down`');
    await moreRuns(4); // three more failing runs judged
    expect(roots()).toHaveLength(1);
    expect(posts().filter((c) => c.args.thread_ts === rootTs).length).toBe(1);
  }, 90_000);

  it('recovered: said once, in the incident thread', async () => {
    await web1.sh('systemctl reset-failed php8.2-fpm; systemctl start php8.2-fpm');
    const rootTs = String(roots()[0]?.answer?.ts);
    const back = await fake.waitFor(
      () => posts().find((c) => c.args.thread_ts === rootTs && String(c.args.text).includes('recovered')),
      20_000,
    );
    expect(String(back.args.text)).toMatch(
      /\*shop\* recovered \(`shop-502-triage-[0-9a-f]{6}`\); it was failing for/,
    );
    await moreRuns(3); // two more healthy runs judged
    expect(roots()).toHaveLength(1);
    expect(posts().filter((c) => String(c.args.text).includes('recovered'))).toHaveLength(1);
  }, 60_000);

  it('the host itself goes down (frozen: no SSH banner, no HTTP answer) and comes back', async () => {
    const before = roots().length;
    await web1.freeze();
    let rootTs = '';
    try {
      const root = await fake.waitFor(() => roots()[before], 60_000);
      expect(String(root.args.text)).toContain(`*shop* is down (schedule \`${id}\`)`);
      rootTs = String(root.answer?.ts);
      const report = await fake.waitFor(
        () => posts().find((c) => c.args.thread_ts === rootTs && Array.isArray(c.args.blocks)),
        30_000,
      );
      expect(JSON.stringify(report.args.blocks)).toContain('`host-unreachable`');
    } finally {
      await web1.thaw();
    }
    const back = await fake.waitFor(
      () => posts().find((c) => c.args.thread_ts === rootTs && String(c.args.text).includes('recovered')),
      60_000,
    );
    expect(String(back.args.text)).toMatch(/\*shop\* recovered \(`shop-502-triage-[0-9a-f]{6}`\)/);
    expect(roots()).toHaveLength(before + 1); // one incident, one thread
  }, 180_000);

  it('Medic was down for 10 minutes: the missed fire times are said once, not replayed', async () => {
    await bot.medic.scheduler?.stop();
    await bot.stop();
    // The same store, opened by a new Medic whose clock says 10 minutes have passed.
    await startMedic({ now: () => new Date(Date.now() + 10 * 60_000) });
    const isMissed = (text: unknown) => String(text).includes('while Medic was down');
    const notice = await fake.waitFor(() => posts().find((c) => isMissed(c.args.text)), 20_000);
    expect(String(notice.args.text)).toMatch(
      new RegExp(
        `^:zzz: \`${id}\` on shop missed \\d+\\+? run\\(s\\) between .+ and .+; they are not replayed\\.$`,
      ),
    );
    const atStart = await scheduledRuns();
    await sleep(3000); // at the schedule's pace (one fire time every 2 s), not a burst of 300
    expect((await scheduledRuns()) - atStart).toBeLessThanOrEqual(3);
    await moreRuns(1);
    expect(posts().filter((c) => isMissed(c.args.text))).toHaveLength(1);
  }, 60_000);

  it('pause stops the runs; remove deletes it', async () => {
    await bot.send(slashCommand(`schedule pause ${id}`, fake.responseUrl('s2'), 'C1', 'U7'));
    await fake.waitFor(() => fake.responses.find((x) => x.id === 's2'));
    const before = await scheduledRuns();
    await sleep(4500); // runs that do not happen cannot be waited for: two fire times pass
    expect(await scheduledRuns()).toBeLessThanOrEqual(before + 1); // one may have been under way
    await bot.send(slashCommand(`schedule remove ${id}`, fake.responseUrl('s3'), 'C1', 'U7'));
    expect(String((await fake.waitFor(() => fake.responses.find((x) => x.id === 's3'))).body.text)).toContain(
      `Removed \`${id}\``,
    );
    expect(bot.medic.scheduler?.list()).toEqual([]);
    const audit = (await bot.medic.remediator?.auditLog('shop', 20)) ?? [];
    expect(audit.filter((e) => e.event === 'schedule-changed').map((e) => [e.actor, e.detail.op])).toEqual([
      ['U7', 'remove'],
      ['U7', 'pause'],
      ['U7', 'add'],
    ]);
  }, 30_000);
});

describe('a schedule from medic.yaml feeds self-healing', () => {
  const inC8 = () =>
    fake.of('chat.postMessage').filter((c) => c.args.channel === 'C8' && !isSlowRun(c.args.text));
  const text = (c: { args: Record<string, unknown> }) =>
    `${c.args.text} ${JSON.stringify(c.args.blocks ?? '')}`;

  beforeAll(async () => {
    await bot.medic.scheduler?.stop();
    await bot.stop();
    config = fleet.writeConfig(`${web1.shopConfigYaml()}remediation:
  approvers: [{ users: [U7] }]
  verify: { timeoutSeconds: 45, intervalSeconds: 1 }
  selfHealing:
    - { cause: upstream-down, action: restart-unit, target: php8.2-fpm.service, maxRuns: 3, windowMinutes: 60 }
schedules:
  - { cron: "*/2 * * * * *", site: shop, playbook: 502-triage, channel: C8 }
`);
    await startMedic();
  }, 60_000);

  it('php-fpm stops: the scheduled run opens the incident, heals it, and the thread reads as a story', async () => {
    await moreRuns(2);
    expect(inC8()).toEqual([]);
    await web1.sh(
      'systemctl stop php8.2-fpm; curl -s -o /dev/null -H "Host: shop.example.com" http://127.0.0.1/',
    );
    const root = await fake.waitFor(() => inC8().find((c) => !c.args.thread_ts), 30_000);
    const rootTs = String(root.answer?.ts);
    const thread = () =>
      inC8()
        .filter((c) => c.args.thread_ts === rootTs)
        .map(text);
    await fake.waitFor(() => thread().find((t) => t.includes('*shop recovered* in')), 90_000);
    await fake.waitFor(() => thread().find((t) => /\*shop\* recovered \(`shop-502-triage-/.test(t)), 30_000);
    const story = thread().join('\n');
    expect(story).toContain('`upstream-down`'); // the report, with its buttons
    expect(story).toContain(':robot_face: Self-healing');
    expect(story).toContain('sudo -- systemctl restart -- php8.2-fpm.service');
    expect((await web1.sh('systemctl is-active php8.2-fpm || true')).trim()).toBe('active');
    expect(inC8().filter((c) => !c.args.thread_ts)).toHaveLength(1); // one incident, one thread
    const audit = (await bot.medic.remediator?.auditLog('shop', 50)) ?? [];
    const auto = audit.find((e) => e.event === 'auto-approved');
    expect(auto?.detail).toMatchObject({ requestedBy: expect.stringMatching(/^schedule:shop-502-triage-/) });
  }, 180_000);
});
