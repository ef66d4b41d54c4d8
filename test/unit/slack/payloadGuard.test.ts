/**
 * Malformed but correctly signed requests through the real Bolt app (HTTP receiver and Socket
 * Mode) against the fake Slack: each is answered 400 (HTTP) or acked (Socket Mode) with one log line, no listener
 * runs, nothing is audited or posted, and nothing answers 500. Well-formed ones still get through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPayload } from '../../../src/adapters/slack/payloadGuard.js';
import { createSlackBot } from '../../../src/adapters/slack/slackBot.js';
import type { Conversation } from '../../../src/core/conversation/conversation.js';
import type { Logger } from '../../../src/core/ports.js';
import { FakeSlack } from '../../support/fakeSlack.js';
import { setup } from '../../support/remediatorFixture.js';
import { buttonClick, mention, post, sign, slashCommand } from '../../support/slackRequests.js';

const SECRET = 'guard-signing-secret';
const fake = new FakeSlack();
const lines: Array<{ level: string; obj: Record<string, unknown>; msg?: string | undefined }> = [];
const at =
  (level: string) =>
  (obj: object, msg?: string): void => {
    lines.push({ level, obj: obj as Record<string, unknown>, msg });
  };
const logger: Logger = { debug: () => {}, info: at('info'), warn: at('warn'), error: at('error') };
const handled: string[] = [];
const conversation = {
  handle: async (text: string) => {
    handled.push(text);
  },
} as unknown as Conversation;
const t = setup();
let bot: ReturnType<typeof createSlackBot>;

function start(mode: 'http' | 'socket') {
  bot = createSlackBot(
    {
      botToken: 'xoxb-guard',
      appToken: 'xapp-guard',
      signingSecret: SECRET,
      mode,
      port: 0,
      apiUrl: fake.apiUrl,
      channels: ['C1'],
      command: '/medic',
      botId: 'B1',
      botUserId: 'UBOT',
      throttleMs: 10,
    },
    conversation,
    logger,
    { remediator: t.remediator, groups: [], clock: t.clock },
  );
  return bot.start();
}

const click = () =>
  JSON.parse(
    new URLSearchParams(buttonClick('medic_approve_0', 'p1', fake.responseUrl('r'), '10.1')).get('payload') ??
      '{}',
  );
const form = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
const without = <T extends Record<string, unknown>>(o: T, key: keyof T) => {
  const { [key]: _gone, ...rest } = o;
  return rest;
};
const event = mention('<@UBOT> 502 on shop', '20.1') as Record<string, unknown> & {
  event: Record<string, unknown>;
};
const command = Object.fromEntries(new URLSearchParams(slashCommand('diagnose shop', fake.responseUrl('c'))));

/** Signed bodies Slack itself would never send, each with what should be wrong with it. */
const malformed: Array<[string, string]> = [
  ['a click without user', form(without(click(), 'user'))],
  ['a click whose user id is a number', form({ ...click(), user: { id: 42 } })],
  ['a click whose user id carries markup', form({ ...click(), user: { id: 'U1> <!channel' } })],
  ['a click whose team is a string', form({ ...click(), team: 'T1' })],
  ['a click without actions', form({ ...click(), actions: [] })],
  ['a click whose actions are not a list', form({ ...click(), actions: { 0: {} } })],
  [
    'a click whose value is an object',
    form({ ...click(), actions: [{ ...click().actions[0], value: { x: 1 } }] }),
  ],
  ['a click without container', form(without(click(), 'container'))],
  ['a click whose message ts is not a ts', form({ ...click(), message: { ts: 'now' } })],
  ['a payload that is a string', form('block_actions')],
  ['a payload that is null', form(null)],
  ['a JSON body that is null', 'null'],
  ['a JSON body that is a list', '[1]'],
  ['a mention without channel', JSON.stringify({ ...event, event: without(event.event, 'channel') })],
  ['a mention whose text is a number', JSON.stringify({ ...event, event: { ...event.event, text: 5 } })],
  ['an event that is null', JSON.stringify({ ...event, event: null })],
  ['an event whose channel is null', JSON.stringify({ ...event, event: { ...event.event, channel: null } })],
  ['authorizations that are not a list', JSON.stringify({ ...event, authorizations: 'x' })],
  ['a slash command without user_id', new URLSearchParams(without(command, 'user_id')).toString()],
  ['a slash command without text', new URLSearchParams(without(command, 'text')).toString()],
  [
    'a slash command with a bad response_url',
    new URLSearchParams({ ...command, response_url: 'x' }).toString(),
  ],
];
/** Well-formed, but nothing Medic subscribes to. */
const unexpected: Array<[string, string]> = [
  ['a view submission', form({ type: 'view_submission', user: { id: 'U1' }, team: { id: 'T1' }, view: {} })],
  ['a global shortcut', form({ type: 'shortcut', callback_id: 'x', user: { id: 'U1' }, team: { id: 'T1' } })],
  ['a reaction event', JSON.stringify({ ...event, event: { type: 'reaction_added', user: 'U1', item: {} } })],
];

const send = (body: string) => {
  const type = /^[{[]|^null$/.test(body) ? 'application/json' : 'application/x-www-form-urlencoded';
  return post(bot.httpPort() ?? 0, body, type, sign(SECRET, body));
};
const settle = () => new Promise((r) => setTimeout(r, 150));

beforeAll(() => fake.start());
afterAll(() => fake.stop());

describe('checkPayload (pure)', () => {
  it('passes what Slack sends for the payloads Medic handles', () => {
    expect(checkPayload(click())).toEqual({ ok: true });
    expect(checkPayload(event)).toEqual({ ok: true });
    expect(checkPayload(command)).toEqual({ ok: true });
    const msg = JSON.parse(JSON.stringify(event));
    msg.event = { type: 'message', subtype: 'message_changed', channel: 'C1', ts: '1.2', message: {} };
    expect(checkPayload(msg)).toEqual({ ok: true });
  });

  it('names the first field that is wrong', () => {
    expect(checkPayload(without(click(), 'user'))).toMatchObject({
      ok: false,
      kind: 'block_actions',
      why: 'malformed',
      problem: expect.stringMatching(/^user: /),
    });
    expect(checkPayload({ ...click(), user: { id: 'U1> <!channel' } })).toMatchObject({
      problem: 'user.id: a Slack id',
    });
    expect(checkPayload({ type: 'view_submission' })).toMatchObject({ ok: false, why: 'unexpected' });
  });
});

describe('HTTP receiver', () => {
  beforeAll(() => start('http'));
  afterAll(() => bot.stop());

  for (const [what, body] of [...malformed, ...unexpected]) {
    const bad = malformed.some(([w]) => w === what);
    it(`${what}: ${bad ? '400' : '200'}, ignored, one log line`, async () => {
      const before = lines.length;
      const calls = fake.calls.length;
      const res = await send(body);
      await settle();
      expect(res.status).toBe(bad ? 400 : 200);
      const logged = lines.slice(before);
      expect(logged).toHaveLength(1);
      expect(logged[0]?.msg).toContain(bad ? 'malformed' : 'does not handle');
      expect(logged[0]?.level).toBe(bad ? 'warn' : 'info');
      expect(handled).toEqual([]);
      expect(t.store.log).toEqual([]);
      expect(fake.calls.length).toBe(calls);
      expect(fake.responses).toEqual([]);
    });
  }

  it('a malformed body that is not signed is refused as unsigned (401), not screened', async () => {
    const before = lines.length;
    const body = form(without(click(), 'user'));
    const type = 'application/x-www-form-urlencoded';
    expect((await post(bot.httpPort() ?? 0, body, type, sign('wrong', body))).status).toBe(401);
    expect(lines.slice(before).map((l) => l.msg ?? l.obj.bolt)).toEqual([
      expect.stringContaining('Failed to parse and verify the request data'),
    ]);
    await settle();
    expect(t.store.log.map((e) => e.detail.code)).toEqual(['bad-signature']);
    t.store.log.length = 0;
  });

  it('well-formed requests still reach their listeners', async () => {
    expect((await send(JSON.stringify(event))).status).toBe(200);
    expect((await send(form(click()))).status).toBe(200);
    await fake.waitFor(() => fake.responses.find((r) => r.id === 'r'));
    expect(handled).toEqual(['<@UBOT> 502 on shop']);
    expect(t.store.log.map((e) => [e.event, e.detail.code])).toEqual([['refused', 'unknown-action']]);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});

describe('Socket Mode', () => {
  beforeAll(async () => {
    handled.length = 0;
    await start('socket');
    await fake.waitFor(() => fake.connected);
  });
  afterAll(() => bot.stop());

  it('a malformed envelope is acked and ignored', async () => {
    const before = lines.length;
    fake.sendEnvelope({
      envelope_id: 'env-bad',
      type: 'interactive',
      accepts_response_payload: false,
      payload: without(click(), 'user'),
    });
    await fake.waitFor(() => fake.acks.find((a) => a.envelope_id === 'env-bad'));
    await settle();
    expect(lines.slice(before).map((l) => [l.level, l.obj.kind])).toEqual([['warn', 'block_actions']]);
    expect(handled).toEqual([]);
  });
});
