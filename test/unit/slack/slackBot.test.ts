/**
 * The real Bolt app (HTTP receiver and Socket Mode) against a fake Slack on loopback. The
 * diagnoser is a stub with a controllable finish: these tests are about the Slack side.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackBot, type SlackSettings } from '../../../src/adapters/slack/slackBot.js';
import { Conversation } from '../../../src/core/conversation/conversation.js';
import type { Diagnoser } from '../../../src/core/engine/diagnoser.js';
import { inventorySchema } from '../../../src/core/model/inventory.js';
import type { ProgressListener } from '../../../src/core/model/progress.js';
import type { Report } from '../../../src/core/model/report.js';
import { silentLogger } from '../../../src/core/ports.js';
import { FakeSlack } from '../../support/fakeSlack.js';
import {
  buttonClick,
  channelMessage,
  mention,
  post,
  sign,
  slashCommand,
} from '../../support/slackRequests.js';

const golden = JSON.parse(
  readFileSync(new URL('../../golden/report-upstream-down.json', import.meta.url), 'utf8'),
) as Report;
const inventory = inventorySchema.parse({
  hosts: { web1: { transport: 'local' } },
  sites: {
    shop: { url: 'https://shop.example.com/', aliases: ['shop.example.com'], hosts: ['web1'] },
    api: { url: 'https://api.example.com/', hosts: ['web1'] },
  },
});

/** A diagnoser whose runs finish when the test says so. */
class StubDiagnoser {
  runs: string[] = [];
  /** The next report to return, instead of the golden one. */
  next: Report | undefined;
  private pending: Array<() => void> = [];
  playbook(id: string) {
    return { id, title: id, description: '', checks: [] };
  }
  async diagnose(site: string, opts: { onProgress?: ProgressListener } = {}): Promise<Report> {
    this.runs.push(site);
    opts.onProgress?.({
      type: 'run-started',
      site,
      playbook: '502-triage',
      hosts: ['medic', 'web1'],
      total: 2,
      perHost: { medic: 1, web1: 1 },
    });
    opts.onProgress?.({
      type: 'check-finished',
      run: { check: 'http-probe', host: 'medic', status: 'critical', durationMs: 5 },
      done: 1,
      total: 2,
    });
    await new Promise<void>((r) => this.pending.push(r));
    opts.onProgress?.({
      type: 'check-finished',
      run: { check: 'php-fpm', host: 'web1', status: 'critical', durationMs: 5 },
      done: 2,
      total: 2,
    });
    const base = this.next ?? golden;
    this.next = undefined;
    return { ...base, site, id: `r-${this.runs.length}` };
  }
  finishAll() {
    for (const r of this.pending.splice(0)) r();
  }
}

const SECRET = 'test-signing-secret';
const fake = new FakeSlack();
let diagnoser: StubDiagnoser;
let bot: ReturnType<typeof createSlackBot>;
let port = 0;

function start(mode: 'http' | 'socket') {
  diagnoser = new StubDiagnoser();
  const conversation = new Conversation(
    inventory,
    new Map(),
    diagnoser as unknown as Diagnoser,
    silentLogger,
  );
  const settings: SlackSettings = {
    botToken: 'xoxb-test',
    appToken: 'xapp-test',
    signingSecret: SECRET,
    mode,
    port: 0,
    apiUrl: fake.apiUrl,
    channels: ['CWATCH'],
    command: '/medic',
    throttleMs: 50,
  };
  bot = createSlackBot(settings, conversation, silentLogger);
  return bot.start();
}

beforeAll(async () => {
  await fake.start();
});
afterAll(() => fake.stop());
afterEach(async () => {
  diagnoser?.finishAll();
  await new Promise((r) => setTimeout(r, 150)); // let the last replies land
  fake.calls.length = 0;
  fake.responses.length = 0;
});
const stop = () => bot?.stop().catch(() => undefined);

const json = 'application/json';
const form = 'application/x-www-form-urlencoded';
const signedJson = (body: object) => {
  const text = JSON.stringify(body);
  return post(port, text, json, sign(SECRET, text));
};
const inThread = (ts: string) => fake.of('chat.postMessage').filter((c) => c.args.thread_ts === ts);

describe('HTTP receiver', () => {
  beforeAll(async () => {
    await start('http');
    port = bot.httpPort() ?? 0;
  });
  afterAll(stop);

  it('refuses wrongly signed and stale requests with 401, and acts on none of them', async () => {
    const body = JSON.stringify(mention('<@UBOT> 502 on shop', '100.1'));
    expect((await post(port, body, json, sign('wrong-secret', body))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await post(port, body, json, sign(SECRET, body, stale))).status).toBe(401);
    expect((await post(port, body, json, {})).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(diagnoser.runs).toEqual([]);
  });

  it('a mention: thread reply, one progress message edited in place, then the summary', async () => {
    const t0 = Date.now();
    const res = await signedJson(mention('<@UBOT> 502 on shop.example.com', '200.1'));
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(3000); // acknowledged within Slack's 3 seconds
    const progress = await fake.waitFor(() => inThread('200.1')[0]);
    expect(progress.args.text).toMatch(/Diagnosing \*shop\* with `502-triage`/);
    await fake.waitFor(() => fake.of('chat.update').length > 0);
    diagnoser.finishAll();
    const summary = await fake.waitFor(() => inThread('200.1').find((c) => Array.isArray(c.args.blocks)));
    const updates = fake.of('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(updates.map((u) => u.args.ts)).size).toBe(1); // one progress message, edited in place
    expect(progress.status).toBe(200);
    expect(updates.at(-1)?.args.text).toMatch(/^:white_check_mark: Diagnosed \*shop\*/);
    expect(JSON.stringify(summary.args.blocks)).toContain('php8.2-fpm.service is inactive on web1');
    expect(diagnoser.runs.at(-1)).toBe('shop');
  });

  it('the same site reported twice while running: one run, both threads get the result', async () => {
    const before = diagnoser.runs.length;
    await signedJson(mention('<@UBOT> shop is down', '300.1'));
    await signedJson(mention('<@UBOT> 502 on shop', '300.2'));
    await fake.waitFor(() => inThread('300.1')[0]);
    await new Promise((r) => setTimeout(r, 300)); // the second report reaches the conversation
    diagnoser.finishAll();
    for (const ts of ['300.1', '300.2']) {
      await fake.waitFor(() => inThread(ts).find((c) => Array.isArray(c.args.blocks)));
    }
    expect(diagnoser.runs.slice(before)).toEqual(['shop']);
    // The joining thread gets the result, marked as such, without a second progress message.
    expect(inThread('300.2')).toHaveLength(1);
    expect(JSON.stringify(inThread('300.2')[0]?.args.blocks)).toContain(
      'Already being diagnosed when you reported it',
    );
  });

  it('a watched channel: a problem report starts a diagnosis, other chatter gets no answer', async () => {
    const message = (text: string, ts: string, channel = 'CWATCH') => channelMessage(text, ts, channel);
    const before = diagnoser.runs.length;
    await signedJson(message('good morning everyone', '800.1'));
    await signedJson(message('502 on sometotallyunknownsite.example.org', '800.2'));
    await signedJson(message('shop is down', '800.3', 'COTHER')); // not watched
    await signedJson(message('shop.example.com is down again', '800.4'));
    await fake.waitFor(() => inThread('800.4')[0]);
    await new Promise((r) => setTimeout(r, 300));
    expect(diagnoser.runs.slice(before)).toEqual(['shop']);
    for (const ts of ['800.1', '800.2', '800.3']) expect(inThread(ts)).toEqual([]);
  });

  it('several matching sites: a picker, and a click diagnoses the picked one', async () => {
    await signedJson(mention('<@UBOT> shop and api are down', '400.1'));
    const picker = await fake.waitFor(() =>
      inThread('400.1').find((c) => JSON.stringify(c.args.blocks ?? '').includes('medic_pick_site')),
    );
    expect(JSON.stringify(picker.args.blocks)).toContain('"value":"api"');
    const click = buttonClick('medic_pick_site_1', 'shop', fake.responseUrl('pick'), '400.1');
    expect((await post(port, click, form, sign(SECRET, click))).status).toBe(200);
    await fake.waitFor(() => diagnoser.runs.includes('shop'));
  });

  it('/medic diagnose posts a visible thread; lookups answer only the asker', async () => {
    const cmd = slashCommand('diagnose shop', fake.responseUrl('cmd1'));
    expect((await post(port, cmd, form, sign(SECRET, cmd))).status).toBe(200);
    const root = await fake.waitFor(() =>
      fake.of('chat.postMessage').find((c) => String(c.args.text).includes('asked: `/medic diagnose shop`')),
    );
    expect(root.args.thread_ts).toBeUndefined();
    const help = slashCommand('help', fake.responseUrl('cmd2'));
    await post(port, help, form, sign(SECRET, help));
    const answer = await fake.waitFor(() => fake.responses.find((r) => r.id === 'cmd2'));
    expect(answer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.body)).toContain('/medic diagnose &lt;site&gt;');
  });

  it('without remediation (no store) a report carries no approve buttons, and a click gets no run', async () => {
    await signedJson(mention('<@UBOT> 502 on shop', '520.1'));
    await fake.waitFor(() => inThread('520.1')[0]);
    diagnoser.finishAll();
    const summary = await fake.waitFor(() => inThread('520.1').find((c) => Array.isArray(c.args.blocks)));
    expect(JSON.stringify(summary.args.blocks)).toContain('Proposed actions');
    expect(JSON.stringify(summary.args.blocks)).not.toContain('medic_approve_');
  });

  it('evidence too long for a message goes in the thread as a file (upload v2), secrets redacted', async () => {
    const evidence = Array.from(
      { length: 40 },
      (_, i) => `line ${i}: upstream said password=hunter2 ${'x'.repeat(200)}`,
    );
    diagnoser.next = { ...golden, causes: [{ ...(golden.causes[0] as Report['causes'][number]), evidence }] };
    await signedJson(mention('<@UBOT> 502 on shop', '650.1'));
    await fake.waitFor(() => inThread('650.1')[0]);
    diagnoser.finishAll();
    const done = await fake.waitFor(() => fake.of('files.completeUploadExternal')[0]);
    expect(done.args).toMatchObject({ channel_id: 'C1', thread_ts: '650.1' });
    const asked = fake.of('files.getUploadURLExternal')[0];
    expect(String(asked?.args.filename)).toMatch(/^medic-shop-r-\d+\.txt$/);
    const upload = await fake.waitFor(() => fake.uploads[0]);
    expect(upload.content).toContain('password=[redacted]');
    expect(upload.content).not.toContain('hunter2');
    const summary = inThread('650.1').find((c) => Array.isArray(c.args.blocks));
    expect(JSON.stringify(summary?.args.blocks)).toContain('more in the attached file');
  });

  it('a scheduled incident opens with one root message, rendered from the notice', async () => {
    const thread = await bot.poster.open('CINC', {
      type: 'schedule-incident-opened',
      scheduleId: 'shop-502-triage-9f1d7d',
      site: 'shop',
      status: 'down',
      headline: 'php8.2-fpm.service is inactive on web1',
    });
    const [root] = fake.of('chat.postMessage').filter((c) => c.args.channel === 'CINC');
    expect(root?.args).toEqual({
      channel: 'CINC',
      text: ':rotating_light: *shop* is down (schedule `shop-502-triage-9f1d7d`): php8.2-fpm.service is inactive on web1',
    });
    expect(thread).toEqual({ channel: 'CINC', ts: String(root?.answer?.ts) });
  });

  it('honours 429 Retry-After from Slack and still delivers', async () => {
    fake.rateLimitOnce('chat.postMessage', 1);
    await signedJson(mention('<@UBOT> 502 on api', '600.1'));
    await fake.waitFor(() => inThread('600.1').find((c) => c.status === 200), 10_000);
    const [limited, retried] = inThread('600.1');
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect(retried?.args.text).toBe(limited?.args.text);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });
});

describe('Socket Mode', () => {
  beforeAll(async () => {
    await start('socket');
  });
  afterAll(stop);
  it('connects through apps.connections.open, acks envelopes and answers in the thread', async () => {
    await fake.waitFor(() => fake.connected);
    expect(fake.of('apps.connections.open')).toHaveLength(1);
    fake.sendEnvelope({
      envelope_id: 'env-1',
      type: 'events_api',
      accepts_response_payload: false,
      payload: mention('<@UBOT> 502 on shop', '700.1'),
    });
    await fake.waitFor(() => fake.acks.find((a) => a.envelope_id === 'env-1'));
    await fake.waitFor(() => inThread('700.1')[0]);
    diagnoser.finishAll();
    await fake.waitFor(() => inThread('700.1').find((c) => Array.isArray(c.args.blocks)));
  });
});
