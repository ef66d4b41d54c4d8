/**
 * Fuzz: thousands of seeded hostile chat lines (shell metacharacters, `$(…)`, back-ticks,
 * newlines, NUL, terminal escapes, very long lines, unicode, Slack markup, site names, URLs,
 * "502 on …", schedule commands) through the conversation core. Every command a host received
 * must be one a playbook check defines for the configured sites, and no reply, as Slack or the
 * console renders it, may carry live markup or control characters. Bounded in time.
 */
import { describe, expect, it } from 'vitest';
import { renderReplyText } from '../../../src/adapters/console/renderReplyText.js';
import { ChannelThrottle } from '../../../src/adapters/slack/channelThrottle.js';
import { type SlackClient, ThreadReporter } from '../../../src/adapters/slack/threadReporter.js';
import type { Reply } from '../../../src/core/model/reply.js';
import { type Logger, type RunOrigin, silentLogger } from '../../../src/core/ports.js';
import { allowedCommands, fuzzMedic, inventory, playbooks } from '../../support/fuzzKit.js';
import { hostileLine, rng } from '../../support/hostileLines.js';

const SEED = 0x5eed_0012;
const LINES = 5000;
const BUDGET_MS = 20_000;
/** Lines handled at once: runs of the same site coalesce, as in a busy channel. */
const BATCH = 100;
const REQUESTER = 'UREQUESTER1';
const HOME = 'CHOME00001';

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

// biome-ignore lint/suspicious/noExplicitAny: walking Block Kit JSON
type Json = any;
/** A Web API client that records calls and answers like Slack. */
function recordingSlack() {
  const calls: Array<{ method: string; args: Json }> = [];
  let ts = 0;
  const record = (method: string) => async (args: Json) => {
    calls.push({ method, args });
    return { ok: true, ts: `1700000000.${String(++ts).padStart(6, '0')}` };
  };
  const client = {
    chat: { postMessage: record('chat.postMessage'), update: record('chat.update') },
    filesUploadV2: record('files.uploadV2'),
  } as unknown as SlackClient;
  return { client, calls };
}

/** Every string Slack parses as mrkdwn in a call (files are shown as they are). */
function mrkdwn(call: { method: string; args: Json }): string[] {
  if (call.method === 'files.uploadV2') return [];
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

/** Every string of a call (text, blocks, file content). */
function strings(v: Json): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

/**
 * `<…>` that Slack would turn into a ping, a mention, a channel link or a link, except those
 * Medic makes of ids it holds itself (never of text): people from its audit log and origin,
 * the channels of stored schedules. The lines mention other ids (`<@U1>`, `<#C1|general>`).
 */
const liveMarkup = (text: string, own: Set<string>) =>
  [...text.matchAll(/<([!@#][^>]*|[a-z]+:[^>]*)>/gi)].map((m) => m[0]).filter((m) => !own.has(m));

describe('fuzz: hostile chat lines through the conversation core', () => {
  it('the allowed commands are what the checks define, and a benign run uses exactly those', async () => {
    const allowed = await allowedCommands();
    const medic = fuzzMedic();
    for (const site of Object.keys(inventory.sites))
      for (const pb of playbooks.keys())
        await medic.conversation.handle(`diagnose ${site} with ${pb}`, () => {});
    const ran = new Set(medic.ran);
    expect([...ran].filter((c) => !allowed.has(c))).toEqual([]);
    expect([...allowed].filter((c) => !ran.has(c))).toEqual([]);
    // Both hosts, the discovered phase (the nginx error log the gateway's config names) included.
    expect([...ran].some((c) => c.startsWith('web2\t'))).toBe(true);
    expect([...ran].some((c) => /^web1\t.*tail .*\/var\/log\/nginx\/error\.log$/.test(c))).toBe(true);
  }, 30_000);

  it(`${LINES} seeded lines: only check commands run, no reply pings, links or controls`, async () => {
    const allowed = await allowedCommands();
    const medic = fuzzMedic();
    const next = rng(SEED);
    const errors: unknown[] = [];
    const logger: Logger = { ...silentLogger, error: (o) => errors.push(o) };
    const problems: string[] = [];
    const kinds = new Map<string, number>();
    const t0 = Date.now();
    let lines = 0;
    while (lines < LINES && Date.now() - t0 < BUDGET_MS) {
      const batch = Array.from({ length: BATCH }, () => hostileLine(next));
      await Promise.all(
        batch.map(async (text, i) => {
          const slack = recordingSlack();
          const reporter = new ThreadReporter(
            slack.client,
            { channel: HOME, threadTs: '1.1' },
            new ChannelThrottle(0),
            logger,
          );
          const replies: Reply[] = [];
          const origin: RunOrigin =
            i % 3 === 2
              ? { trigger: 'console' }
              : { trigger: 'slack', requestedBy: REQUESTER, channel: HOME, threadTs: '1.1', groups: [] };
          await medic.conversation.handle(
            text,
            async (r) => {
              replies.push(r);
              await reporter.sink(r);
            },
            origin,
            { passive: i % 5 === 4 },
          );
          const own = new Set([
            `<@${REQUESTER}>`,
            `<#${HOME}>`,
            ...medic.scheduler
              .list()
              .flatMap((v) => (v.schedule.channel ? [`<#${v.schedule.channel}>`] : [])),
          ]);
          const where = JSON.stringify(text.slice(0, 120));
          for (const r of replies) {
            kinds.set(r.type, (kinds.get(r.type) ?? 0) + 1);
            const console = renderReplyText(r) ?? '';
            if (control.test(console)) problems.push(`console ${r.type} for ${where}: a control character`);
          }
          for (const call of slack.calls) {
            for (const m of mrkdwn(call)) {
              const live = liveMarkup(m, own);
              if (live.length > 0) problems.push(`slack ${call.method} for ${where}: ${live.join(' ')}`);
            }
            if (strings(call.args).some((s) => control.test(s)))
              problems.push(`slack ${call.method} for ${where}: a control character`);
          }
        }),
      );
      lines += batch.length;
    }
    const outside = [...new Set(medic.ran)].filter((c) => !allowed.has(c));
    expect(outside).toEqual([]);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(errors).toEqual([]);
    // The lines did reach every path: diagnoses with reports, pickers, misses, schedules, errors.
    expect(lines).toBeGreaterThanOrEqual(1000);
    for (const kind of [
      'report',
      'picker',
      'unknown-site',
      'not-understood',
      'schedules',
      'status',
      'sites',
      'error',
      'help',
      'history',
      'audit',
    ])
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
    expect(medic.ran.length).toBeGreaterThan(1000);
  }, 60_000);
});
