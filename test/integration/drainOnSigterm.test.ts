/**
 * SIGTERM to a real `medic serve` mid-diagnosis of a real fleet host, in console mode and in
 * Slack HTTP mode (signed requests, the fake Slack), and to `medic diagnose` itself (SIGTERM,
 * Ctrl-C): a run that can finish within the drain time
 * is posted and stored; one that cannot (the host's `ss` sleeps for minutes) is marked
 * "interrupted by shutdown" in its thread and in the store, and its remote commands are ended:
 * no `sleep` is left on the host. Medic exits 0 either way. The drain times measured are printed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqliteStore.js';
import type { ReportSummary } from '../../src/core/model/reportSummary.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { Fleet, type FleetHost } from '../support/fleet.js';
import { medicChild, type ServeProcess, serve } from '../support/serveProcess.js';
import { mention, post, sign } from '../support/slackRequests.js';

const SECRET = 'drain-signing-secret';
const fleet = new Fleet();
const fake = new FakeSlack();
let web: FleetHost;
const figures: string[] = [];

beforeAll(async () => {
  await fleet.prepare();
  await fake.start();
  web = await fleet.startHost('web2'); // its nginx proxies to web2:8080: the name must resolve
  // `ss` answers after /run/ss-delay seconds; a long delay is a stuck `ss`: the command itself
  // hangs (`exec sleep`). (A privileged script's own children run as root, out of reach of the
  // hang-up that the unprivileged remote `timeout` relays: README, "Timeouts and refused channels".)
  await web.sh(
    `mv /usr/bin/ss /usr/bin/ss.real && printf '#!/bin/sh\\ntouch /run/ss-started\\nd=$(cat /run/ss-delay)\\n[ "$d" -gt 60 ] && exec sleep "$d"\\nsleep "$d"\\nexec /usr/bin/ss.real "$@"\\n' > /usr/bin/ss && chmod 755 /usr/bin/ss`,
  );
}, 600_000);

afterAll(async () => {
  console.log(`drain on SIGTERM, measured here:\n${figures.join('\n')}`);
  await fake.stop();
  await fleet.stop();
});

/** A config of its own (store included) with this drain time. */
function config(name: string, drainSeconds: number): string {
  const path = join(fleet.keyDir, `${name}.yaml`);
  writeFileSync(
    path,
    web
      .shopConfigYaml()
      .replace(
        'store: { path: medic.db }',
        `store: { path: ${name}.db }\nshutdown: { drainSeconds: ${drainSeconds} }\nslack: { port: 0, channels: [C1] }`,
      ),
  );
  return path;
}

async function slowSs(seconds: number): Promise<void> {
  await web.sh(`rm -f /run/ss-started; echo ${seconds} > /run/ss-delay`);
}

/** SIGTERM once `ss` runs on the host; what came back and how long the drain took. */
async function sigtermMidRun(medic: ServeProcess) {
  await web.waitFor('test -e /run/ss-started', 30_000);
  const sentAt = Date.now();
  medic.child.kill('SIGTERM');
  const exit = await medic.exited;
  const stopped = medic.logs().find((l) => l.msg === 'Medic stopped');
  return { exit, drainMs: exit.at - sentAt, tookMs: Number(stopped?.tookMs), sentAt };
}

async function history(name: string): Promise<ReportSummary[]> {
  const store = new SqliteStore(join(fleet.keyDir, `${name}.db`));
  try {
    return await store.history('shop', 10);
  } finally {
    await store.close();
  }
}

/** No `sleep` of the slow `ss` is left on the host (polled briefly; the remote timeout is 10 s). */
async function noSleepLeft(sinceMs: number): Promise<void> {
  await web.waitFor('! pgrep -x sleep', 3000);
  expect(Date.now() - sinceMs).toBeLessThan(9000); // ended by the hang-up, not by the remote timeout
}

describe('console serve', () => {
  it('SIGTERM while a diagnosis can finish: it finishes, is printed and stored, exit 0', async () => {
    await slowSs(3);
    const medic = serve(['--config', config('console-drain', 30)]);
    medic.child.stdin?.write('502 on shop\n');
    const r = await sigtermMidRun(medic);
    expect(r.exit.code).toBe(0);
    // The whole report (whatever it found on a host that just booted), never "interrupted".
    const printed = /^\[(OK|DEGRADED|DOWN|UNKNOWN)\] shop /m.exec(medic.stdout());
    expect(printed).not.toBeNull();
    expect(medic.stdout()).toMatch(/^Checks$/m);
    expect(medic.stdout()).not.toMatch(/interrupted/);
    const h = await history('console-drain');
    const status = { OK: 'healthy', DEGRADED: 'degraded', DOWN: 'down', UNKNOWN: 'unknown' }[
      printed?.[1] as 'OK'
    ];
    expect(h.map((e) => [e.status, e.trigger])).toEqual([[status, 'console']]);
    await noSleepLeft(r.sentAt);
    figures.push(`  console, run finishing: exit ${r.drainMs} ms after SIGTERM (drain ${r.tookMs} ms)`);
  }, 60_000);

  it('SIGTERM while a diagnosis cannot finish in time: interrupted, recorded, remote sleep ended, exit 0', async () => {
    await slowSs(300);
    const medic = serve(['--config', config('console-cut', 2)]);
    medic.child.stdin?.write('502 on shop\n');
    const r = await sigtermMidRun(medic);
    expect(r.exit.code).toBe(0);
    expect(medic.stdout()).toMatch(
      /Error \(diagnose\.interrupted\): Diagnosis of shop interrupted by shutdown after \d+\/\d+ checks: nothing was concluded/,
    );
    expect(r.drainMs).toBeGreaterThanOrEqual(2000);
    expect(r.drainMs).toBeLessThan(2000 + 5000);
    const h = await history('console-cut');
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ status: 'interrupted', trigger: 'console' });
    expect(h[0]?.headline).toMatch(/^interrupted by shutdown after \d+\/\d+ checks$/);
    await noSleepLeft(r.sentAt);
    figures.push(
      `  console, run interrupted (drainSeconds 2): exit ${r.drainMs} ms after SIGTERM (drain ${r.tookMs} ms)`,
    );
  }, 60_000);
});

describe('medic diagnose', () => {
  it('SIGTERM while the run can finish: the whole report, stored, its usual exit status', async () => {
    await slowSs(3);
    const medic = medicChild(['diagnose', 'shop', '--config', config('cli-drain', 30)]);
    const r = await sigtermMidRun(medic);
    expect([0, 1, 3]).toContain(r.exit.code);
    expect(medic.stdout()).toMatch(/^\[(OK|DEGRADED|DOWN|UNKNOWN)\] shop /m);
    expect(medic.stdout()).not.toMatch(/interrupted/);
    const h = await history('cli-drain');
    expect(h.map((e) => e.trigger)).toEqual(['cli']);
    expect(h[0]?.status).not.toBe('interrupted');
    await noSleepLeft(r.sentAt);
    figures.push(`  medic diagnose, run finishing: exit ${r.drainMs} ms after SIGTERM`);
  }, 60_000);

  it('Ctrl-C while the run cannot finish in time: interrupted, stored, remote sleep ended, exit 3', async () => {
    await slowSs(300);
    const medic = medicChild(['diagnose', 'shop', '--config', config('cli-cut', 2)]);
    await web.waitFor('test -e /run/ss-started', 30_000);
    const sentAt = Date.now();
    medic.child.kill('SIGINT');
    const exit = await medic.exited;
    expect(exit.code).toBe(3);
    expect(medic.stderr()).toContain('medic: SIGINT: letting the run finish for up to 2 s; a second signal');
    expect(medic.stderr()).toMatch(
      /Diagnosis of shop interrupted by shutdown after \d+\/\d+ checks: nothing was concluded\..* \(diagnose\.interrupted\)$/m,
    );
    expect(exit.at - sentAt).toBeGreaterThanOrEqual(2000);
    expect(exit.at - sentAt).toBeLessThan(2000 + 5000);
    const h = await history('cli-cut');
    expect(h.map((e) => [e.status, e.trigger])).toEqual([['interrupted', 'cli']]);
    await noSleepLeft(sentAt);
    figures.push(
      `  medic diagnose, run interrupted (drainSeconds 2): exit ${exit.at - sentAt} ms after Ctrl-C`,
    );
  }, 60_000);
});

describe('Slack HTTP serve', () => {
  async function slackServe(name: string, drainSeconds: number) {
    const medic = serve(['--http', '--config', config(name, drainSeconds)], {
      SLACK_BOT_TOKEN: 'xoxb-drain',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
    });
    const up = await medic.waitForLog(/connected to Slack/);
    return { medic, port: Number(up.port) };
  }

  async function mentionShop(port: number, ts: string) {
    const body = JSON.stringify(mention('<@UBOT> 502 on shop', ts, 'C1', 'U7'));
    expect((await post(port, body, 'application/json', sign(SECRET, body))).status).toBe(200);
  }

  const updates = (ts: string) =>
    fake.of('chat.update').filter((c) => {
      const progress = fake.of('chat.postMessage').find((p) => p.args.thread_ts === ts);
      return progress && c.args.ts === progress.answer?.ts;
    });

  it('SIGTERM while a diagnosis can finish: the summary is posted in the thread and stored, exit 0', async () => {
    await slowSs(3);
    const { medic, port } = await slackServe('slack-drain', 30);
    await mentionShop(port, '2000.1');
    const r = await sigtermMidRun(medic);
    expect(r.exit.code).toBe(0);
    const posts = fake.of('chat.postMessage').filter((c) => c.args.thread_ts === '2000.1');
    // The summary (whatever it found on a host that just booted) and the finished progress message.
    expect(posts.find((c) => Array.isArray(c.args.blocks))).toBeDefined();
    const final = String(updates('2000.1').at(-1)?.args.text);
    expect(final).toMatch(
      /^:white_check_mark: Diagnosed \*shop\* with `502-triage` in [\d.]+ s: (healthy|degraded|down|unknown)/,
    );
    const status = /: (healthy|degraded|down|unknown)/.exec(final)?.[1];
    const h = await history('slack-drain');
    expect(h.map((e) => [e.status, e.trigger, e.requestedBy])).toEqual([[status, 'slack', 'U7']]);
    await noSleepLeft(r.sentAt);
    figures.push(`  Slack HTTP, run finishing: exit ${r.drainMs} ms after SIGTERM (drain ${r.tookMs} ms)`);
  }, 60_000);

  it('SIGTERM while a diagnosis cannot finish in time: the thread says interrupted, the store has it, exit 0', async () => {
    await slowSs(300);
    const { medic, port } = await slackServe('slack-cut', 2);
    await mentionShop(port, '2001.1');
    const r = await sigtermMidRun(medic);
    expect(r.exit.code).toBe(0);
    expect(updates('2001.1').at(-1)?.args.text).toMatch(
      /^:octagonal_sign: Diagnosis of \*shop\* with `502-triage` interrupted by shutdown at \d+\/\d+ checks/,
    );
    const posts = fake.of('chat.postMessage').filter((c) => c.args.thread_ts === '2001.1');
    expect(posts.at(-1)?.args.text).toMatch(
      /^:warning: Diagnosis of shop interrupted by shutdown after \d+\/\d+ checks/,
    );
    expect(r.drainMs).toBeLessThan(2000 + 5000);
    const h = await history('slack-cut');
    expect(h.map((e) => [e.status, e.trigger, e.requestedBy])).toEqual([['interrupted', 'slack', 'U7']]);
    await noSleepLeft(r.sentAt);
    figures.push(
      `  Slack HTTP, run interrupted (drainSeconds 2): exit ${r.drainMs} ms after SIGTERM (drain ${r.tookMs} ms)`,
    );
  }, 60_000);
});

describe('Slack Socket Mode serve', () => {
  it('SIGTERM while a diagnosis cannot finish in time: the thread says interrupted, the store has it, exit 0', async () => {
    await slowSs(300);
    const medic = serve(['--config', config('socket-cut', 2)], {
      SLACK_BOT_TOKEN: 'xoxb-drain',
      SLACK_APP_TOKEN: 'xapp-drain',
      SLACK_API_URL: fake.apiUrl,
    });
    await medic.waitForLog(/connected to Slack/);
    await fake.waitFor(() => fake.connected);
    fake.sendEnvelope({
      envelope_id: 'env-drain',
      type: 'events_api',
      accepts_response_payload: false,
      payload: mention('<@UBOT> 502 on shop', '3000.1', 'C1', 'U8'),
    });
    await fake.waitFor(() => fake.acks.find((a) => a.envelope_id === 'env-drain'));
    const r = await sigtermMidRun(medic);
    expect(r.exit.code).toBe(0);
    const posts = fake.of('chat.postMessage').filter((c) => c.args.thread_ts === '3000.1');
    const progressTs = posts[0]?.answer?.ts;
    const edits = fake.of('chat.update').filter((c) => c.args.ts === progressTs);
    expect(edits.at(-1)?.args.text).toMatch(/interrupted by shutdown at \d+\/\d+ checks/);
    expect(posts.at(-1)?.args.text).toMatch(/^:warning: Diagnosis of shop interrupted by shutdown/);
    const h = await history('socket-cut');
    expect(h.map((e) => [e.status, e.trigger, e.requestedBy])).toEqual([['interrupted', 'slack', 'U8']]);
    await noSleepLeft(r.sentAt);
    figures.push(
      `  Socket Mode, run interrupted (drainSeconds 2): exit ${r.drainMs} ms after SIGTERM (drain ${r.tookMs} ms)`,
    );
  }, 60_000);
});
