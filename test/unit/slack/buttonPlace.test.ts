/**
 * A click counts only on a message that carries its buttons, in Medic's workspace: the real
 * Bolt app (signed HTTP requests) with a Remediator on in-memory fakes, against the fake Slack.
 * A click from another channel, team or message is refused to the clicker alone, audited with
 * its reason, and changes nothing; the report's own buttons (in every thread that got it) work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackBot } from '../../../src/adapters/slack/slackBot.js';
import { Conversation } from '../../../src/core/conversation/conversation.js';
import type { Diagnoser } from '../../../src/core/engine/diagnoser.js';
import { silentLogger } from '../../../src/core/ports.js';
import { FakeSlack } from '../../support/fakeSlack.js';
import { carrying } from '../../support/remediationBot.js';
import { inventory, report, setupDownUntilRestart } from '../../support/remediatorFixture.js';
import { buttonClick, mention, post, sign } from '../../support/slackRequests.js';
import { eventually } from '../../support/sshKit.js';

const SECRET = 'place-signing-secret';
const fake = new FakeSlack();
const t = setupDownUntilRestart();
/** Diagnoses wait here until the test lets them finish (so a second report can join a run). */
let release: () => void = () => {};
const diagnoser = {
  playbook: (id: string) => ({ id, title: id, description: '', checks: [] }),
  async diagnose() {
    await new Promise<void>((r) => {
      release = r;
    });
    const r = report('down');
    await t.reports.saveReport(r);
    return r;
  },
};
const conversation = new Conversation(
  inventory,
  new Map(),
  diagnoser as unknown as Diagnoser,
  silentLogger,
  t.reports,
  t.remediator,
);
let bot: ReturnType<typeof createSlackBot>;
const send = (body: string) => {
  const type = body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded';
  return post(bot.httpPort() ?? 0, body, type, sign(SECRET, body));
};
const calls = (channel: string) =>
  fake.calls.filter((c) => c.method.startsWith('chat.') && c.args.channel === channel);
const response = (id: string) => fake.waitFor(() => fake.responses.find((r) => r.id === id));
const refusals = () => t.store.log.filter((e) => e.event === 'refused').map((e) => e.detail);

let pending = '';
let reportTs = '';
let progressTs = '';
let blocks: unknown[] = [];

beforeAll(async () => {
  await fake.start();
  bot = createSlackBot(
    {
      botToken: 'xoxb-place',
      signingSecret: SECRET,
      mode: 'http',
      port: 0,
      apiUrl: fake.apiUrl,
      channels: [],
      command: '/medic',
      botId: 'B1',
      botUserId: 'UBOT',
      throttleMs: 10,
    },
    conversation,
    silentLogger,
    { remediator: t.remediator, groups: [], clock: t.clock },
  );
  await bot.start();
  // One run, reported in C1 (by U7) and, while it runs, in C3: both threads get its buttons.
  await send(JSON.stringify(mention('<@UBOT> 502 on shop', '100.1', 'C1', 'U7')));
  await fake.waitFor(() => fake.of('chat.postMessage').find((c) => c.args.thread_ts === '100.1'));
  await send(JSON.stringify(mention('<@UBOT> shop is down', '300.1', 'C3', 'U7')));
  await new Promise((r) => setTimeout(r, 200));
  release();
  const mine = await fake.waitFor(() => {
    const posts = fake.of('chat.postMessage').filter((c) => c.args.thread_ts === '100.1');
    const withButtons = posts.find((c) => JSON.stringify(c.args.blocks ?? '').includes('medic_approve_'));
    return withButtons && { posts, withButtons };
  });
  progressTs = String(mine.posts[0]?.answer?.ts);
  type Button = { action_id?: string; value?: string };
  const rows = mine.withButtons.args.blocks as Array<{ elements?: Button[] }>;
  const approve = rows.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'medic_approve_0');
  pending = approve?.value ?? '';
  reportTs = String(mine.withButtons.answer?.ts);
  blocks = mine.withButtons.args.blocks as unknown[];
  await fake.waitFor(() => carrying(fake, '300.1', pending));
}, 20_000);

afterAll(async () => {
  await bot.stop();
  await fake.stop();
});

/** A click on the C1 report's approve button by U9 (an approver), with parts of it changed. */
function click(
  id: string,
  change: { channel?: string; team?: string; ts?: string; container?: object } = {},
) {
  const body = buttonClick(
    'medic_approve_0',
    pending,
    fake.responseUrl(id),
    '100.1',
    change.channel ?? 'C1',
    'U9',
    { ts: change.ts ?? reportTs, blocks, blockId: 'medic_action_0' },
    change.team ?? 'T1',
  );
  if (!change.container) return body;
  const payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '{}');
  payload.container = { ...payload.container, ...change.container };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

describe('a click bound to the message that carries its buttons', () => {
  it('Medic recorded where the buttons were posted: both threads of the run', async () => {
    // Each place is recorded once its post has returned: the second may land a moment later.
    const both = async () => (await t.store.postedMessages(pending)).length >= 2;
    expect(await eventually(both, 5000)).toBe(true);
    const posted = await t.store.postedMessages(pending);
    expect(posted.sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      { channel: 'C1', ts: reportTs, threadTs: '100.1' },
      { channel: 'C3', ts: carrying(fake, '300.1', pending)?.ts, threadTs: '300.1' },
    ]);
  });

  it.each([
    ['another channel', { channel: 'C2' }, 'wrong-channel', 'another channel'],
    ['another team', { team: 'T2' }, 'wrong-team', 'another Slack workspace'],
    ['another message of the thread', { ts: '' }, 'wrong-message', 'not on the report'],
    [
      'a container naming another channel',
      { container: { channel_id: 'C2' } },
      'wrong-channel',
      'another channel',
    ],
    [
      'a container naming another message',
      { container: { message_ts: '1.2' } },
      'wrong-message',
      'not on the report',
    ],
  ])('from %s: refused to the clicker alone, audited, nothing changed', async (what, change, code, says) => {
    const id = `x-${code}-${what.length}`;
    const before = fake.calls.length;
    const c = change as Parameters<typeof click>[1] & { ts?: string };
    const at = c.ts === '' ? { ...c, ts: progressTs } : c;
    expect((await send(click(id, at))).status).toBe(200);
    expect((await response(id)).body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: expect.stringContaining(says),
    });
    expect(refusals().at(-1)).toMatchObject({ code, action: 'restart-unit:web1:php8.2-fpm.service' });
    expect((await t.store.getPending(pending))?.state).toBe('pending');
    expect(t.transports.ran).toEqual([]);
    // Nothing was posted or edited anywhere: not in the other channel, not in the report's thread.
    expect(fake.calls.slice(before).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
    expect(calls('C2')).toEqual([]);
  });

  it('the audit names where the refused click came from', () => {
    expect(refusals().find((d) => d.code === 'wrong-team')?.clicked).toEqual({
      team: 'T2',
      channel: 'C1',
      ts: reportTs,
    });
  });

  it('the same button on the report in the joined thread (C3) runs it, and its thread learns it', async () => {
    const c3 = carrying(fake, '300.1', pending);
    const body = buttonClick('medic_approve_0', pending, fake.responseUrl('ok'), '300.1', 'C3', 'U9', c3);
    expect((await send(body)).status).toBe(200);
    await fake.waitFor(() =>
      calls('C3').find((c) => c.args.thread_ts === '300.1' && String(c.args.text).includes('recovered')),
    );
    expect(t.transports.ran.map((r) => r.line)).toContain('systemctl restart -- php8.2-fpm.service');
    expect(calls('C3').find((c) => c.method === 'chat.update' && c.args.ts === c3?.ts)).toBeDefined();
    expect(calls('C2')).toEqual([]);
  });
});
