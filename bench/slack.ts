/**
 * bench/slack: 20 reports of the same 502 arriving at once in one channel (everyone notices the
 * outage) against a single report, in the same run: time to Slack's ack, and to the summary in
 * each thread. Real Bolt HTTP receiver, fake Slack on loopback, real diagnosis of a fleet host.
 */
import { createSlackBot } from '../src/adapters/slack/slackBot.js';
import { createMedic } from '../src/composition.js';
import { FakeSlack } from '../test/support/fakeSlack.js';
import { Fleet } from '../test/support/fleet.js';
import { mention, post, sign } from '../test/support/slackRequests.js';

const SECRET = 'bench';
const N = Number(process.env.BENCH_REPORTS ?? 20);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;

const fleet = new Fleet();
const fake = await new FakeSlack().start();
await fleet.prepare();
try {
  await fleet.startHost('web2');
  const web1 = await fleet.startHost('web1');
  await web1.sh('systemctl stop php8.2-fpm');
  const config = fleet.writeConfig(web1.shopConfigYaml());
  const medic = createMedic(config, { logLevel: 'silent' });
  const bot = createSlackBot(
    {
      botToken: 'xoxb',
      signingSecret: SECRET,
      mode: 'http',
      port: 0,
      apiUrl: fake.apiUrl,
      channels: [],
      command: '/medic',
      botId: 'B',
      botUserId: 'UBOT',
    },
    medic.conversation,
    medic.logger,
  );
  await bot.start();
  const port = bot.httpPort() ?? 0;

  const report = async (ts: string) => {
    const body = JSON.stringify(mention('<@UBOT> 502 on shop', ts, 'CINCIDENT'));
    const t0 = performance.now();
    await post(port, body, 'application/json', sign(SECRET, body));
    const ack = performance.now() - t0;
    await fake.waitFor(
      () => fake.of('chat.postMessage').find((c) => c.args.thread_ts === ts && Array.isArray(c.args.blocks)),
      300_000,
    );
    return { ack, summary: performance.now() - t0 };
  };

  const single = await report('1.1');
  await new Promise((r) => setTimeout(r, 1500));
  const runsBefore = (await (medic.store as NonNullable<typeof medic.store>).history('shop', 100)).length;
  const burst = await Promise.all(Array.from({ length: N }, (_, i) => report(`2.${i + 1}`)));
  const runs =
    (await (medic.store as NonNullable<typeof medic.store>).history('shop', 100)).length - runsBefore;
  const acks = burst.map((b) => b.ack);
  const sums = burst.map((b) => b.summary);
  console.log(`single report: ack ${single.ack.toFixed(0)} ms, summary ${single.summary.toFixed(0)} ms`);
  console.log(
    `${N} reports at once: ack p50 ${pct(acks, 0.5).toFixed(0)} ms, p95 ${pct(acks, 0.95).toFixed(0)} ms, max ${Math.max(...acks).toFixed(0)} ms`,
  );
  console.log(
    `${N} reports at once: summary p50 ${pct(sums, 0.5).toFixed(0)} ms, p95 ${pct(sums, 0.95).toFixed(0)} ms, last ${Math.max(...sums).toFixed(0)} ms`,
  );
  console.log(`diagnoses run for the burst: ${runs} (coalesced); Slack calls: ${fake.calls.length}`);
  console.log(
    `ratio ack p95 / single ack: ${(pct(acks, 0.95) / single.ack).toFixed(2)}x (Slack needs < 3000 ms)`,
  );
  console.log(
    `ratio first summary of the burst / single summary: ${(Math.min(...sums) / single.summary).toFixed(2)}x`,
  );
  console.log(
    `ratio last summary / single summary: ${(Math.max(...sums) / single.summary).toFixed(2)}x (posts are spaced 1 s per channel, as Slack asks)`,
  );
  await bot.stop();
  await medic.store?.close();
} finally {
  await fake.stop();
  await fleet.stop();
}
