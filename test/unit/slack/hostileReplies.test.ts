/**
 * Every Reply kind through the Slack thread reporter (the path every reply takes into a thread:
 * progress, reports, and replyMessage for the rest) with hostile text in every string. Nothing
 * the text says may come out as a live ping, channel link or link or carry control characters,
 * and Block Kit limits hold.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/adapters/slack/blockLimits.js';
import { ChannelThrottle } from '../../../src/adapters/slack/channelThrottle.js';
import { type SlackClient, ThreadReporter } from '../../../src/adapters/slack/threadReporter.js';
import type { Reply } from '../../../src/core/model/reply.js';
import type { Logger } from '../../../src/core/ports.js';
import { everyReply, hostileReplies, hostileStrings, markup } from '../../support/hostileReplies.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

// biome-ignore lint/suspicious/noExplicitAny: walking arbitrary Block Kit JSON
type Json = any;
interface Call {
  method: string;
  args: Json;
}

/** A Web API client that records calls and answers like Slack, and a logger that fails loudly. */
function recordingSlack() {
  const calls: Call[] = [];
  const errors: unknown[] = [];
  let ts = 0;
  const record = (method: string) => async (args: Json) => {
    calls.push({ method, args });
    return { ok: true, ts: `1700000000.${String(++ts).padStart(6, '0')}` };
  };
  const client = {
    chat: { postMessage: record('chat.postMessage'), update: record('chat.update') },
    filesUploadV2: record('files.uploadV2'),
  } as unknown as SlackClient;
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (o) => errors.push(o) };
  return { client, calls, errors, logger };
}

/** What one reply (after a `started`, for progress) posts into a fresh thread. */
async function slackCalls(reply: Reply): Promise<Call[]> {
  const s = recordingSlack();
  const reporter = new ThreadReporter(
    s.client,
    { channel: 'C1', threadTs: '1.1' },
    new ChannelThrottle(0),
    s.logger,
    '/medic',
    true,
  );
  if (reply.type === 'progress')
    await reporter.sink({ type: 'started', site: reply.site, playbook: 'x', joined: false });
  await reporter.sink(reply);
  expect(s.errors).toEqual([]);
  return s.calls;
}

/** Every string Slack parses as mrkdwn: a message's text, and mrkdwn objects in its blocks. */
function mrkdwnTexts(call: Call): string[] {
  if (call.method === 'files.uploadV2') return []; // a text file: shown as is, never parsed
  const out: string[] = [call.args.text];
  const walk = (v: Json) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (v.type === 'mrkdwn') out.push(v.text);
      Object.values(v).forEach(walk);
    }
  };
  walk(call.args.blocks);
  return out;
}

/** Every Block Kit limit a message of ours can reach. */
function limitProblems(call: Call): string[] {
  const bad: string[] = [];
  const check = (what: string, len: number, max: number) => {
    if (len > max) bad.push(`${what}: ${len} > ${max}`);
  };
  if (call.method === 'files.uploadV2') return bad;
  check('text', call.args.text.length, LIMITS.fallbackText);
  const blocks: Json[] = call.args.blocks ?? [];
  check('blocks', blocks.length, LIMITS.blocks);
  for (const b of blocks) {
    if (b.type === 'section') check('section', b.text.text.length, LIMITS.sectionText);
    if (b.type === 'context') {
      check('context elements', b.elements.length, 10);
      for (const e of b.elements) check('context', e.text.length, LIMITS.contextElementText);
    }
    if (b.type === 'actions') {
      check('actions', b.elements.length, LIMITS.actionsElements);
      for (const e of b.elements) {
        check('button text', e.text.text.length, LIMITS.buttonText);
        check('button value', e.value.length, LIMITS.buttonValue);
        if (e.confirm) {
          check('confirm title', e.confirm.title.text.length, 100);
          check('confirm text', e.confirm.text.text.length, 300);
        }
      }
    }
  }
  return bad;
}

describe('hostile text through every Slack reply', () => {
  it('the samples cover every kind of the Reply union (the table is typed by it), each of its own kind', () => {
    for (const [kind, build] of Object.entries(hostileReplies)) {
      const replies = (build as (h: string) => Reply[])('x');
      expect(replies.length, kind).toBeGreaterThan(0);
      expect(new Set(replies.map((r) => r.type)), kind).toEqual(new Set([kind]));
    }
  });

  for (const [i, h] of hostileStrings().entries()) {
    const label =
      h.length > 80 ? `${Math.round(h.length / 1024)} KB of markup and controls` : JSON.stringify(h);
    it(`no live markup and every limit kept, text #${i}: ${label}`, async () => {
      for (const { kind, reply } of everyReply(h)) {
        const calls = await slackCalls(reply);
        const posted = calls.filter((c) => c.method !== 'files.uploadV2');
        if (reply.type !== 'started' || !reply.joined) expect(posted.length, kind).toBeGreaterThan(0);
        for (const call of calls) {
          for (const t of mrkdwnTexts(call)) {
            // Every `<` Medic means is escaped or a mention of an id Slack gave; none here.
            expect.soft(t, `${kind} ${call.method}`).not.toMatch(/</);
            // No terminal escapes, NUL, CR or bidi overrides from the text either.
            expect.soft(t, `${kind} ${call.method}`).not.toMatch(control);
          }
          expect.soft(limitProblems(call), `${kind} ${call.method}`).toEqual([]);
        }
      }
    }, 60_000);
  }

  it('golden: what every kind posts with the markup sample', async () => {
    const out: Record<string, string[][]> = {};
    for (const { kind, reply } of everyReply(markup)) {
      const calls = await slackCalls(reply);
      const texts = calls.flatMap((c) => mrkdwnTexts(c).map((t) => `${c.method}: ${t}`));
      out[kind] = [...(out[kind] ?? []), texts];
    }
    await expect(`${JSON.stringify(out, null, 2)}\n`).toMatchFileSnapshot(
      '../../golden/slack-replies-hostile.json',
    );
  });
});
