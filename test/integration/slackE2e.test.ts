/**
 * Slack end to end: a signed "502 on shop" to the real HTTP receiver → a real diagnosis over SSH
 * of a real fleet host whose php-fpm is stopped → progress edits → a summary naming the cause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackBot } from '../../src/adapters/slack/slackBot.js';
import { createMedic } from '../../src/composition.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { Fleet, type FleetHost } from '../support/fleet.js';
import { mention, post, sign } from '../support/slackRequests.js';

const SECRET = 'e2e-signing-secret';
const fleet = new Fleet();
const fake = new FakeSlack();
let web1: FleetHost;
let bot: ReturnType<typeof createSlackBot>;
let medic: ReturnType<typeof createMedic>;

beforeAll(async () => {
  await fleet.prepare();
  await fake.start();
  await fleet.startHost('web2');
  web1 = await fleet.startHost('web1');
  const config = fleet.writeConfig(web1.shopConfigYaml());
  medic = createMedic(config, { logLevel: 'silent' });
  bot = createSlackBot(
    {
      botToken: 'xoxb-e2e',
      signingSecret: SECRET,
      mode: 'http',
      port: 0,
      apiUrl: fake.apiUrl,
      channels: ['C1'],
      command: '/medic',
      throttleMs: 200,
    },
    medic.conversation,
    medic.logger,
  );
  await bot.start();
}, 600_000);

afterAll(async () => {
  await bot?.stop();
  await medic?.store?.close();
  await fake.stop();
  await fleet.stop();
});

describe('Slack end to end on a real fleet host', () => {
  it('"502 on shop" → progress in the thread → a summary naming the real cause, stored in history', async () => {
    await web1.sh(
      'systemctl stop php8.2-fpm; curl -s -o /dev/null -H "Host: shop.example.com" http://127.0.0.1/',
    );
    const body = JSON.stringify(mention('<@UBOT> 502 on shop.example.com', '1000.1', 'C1', 'U7'));
    const res = await post(bot.httpPort() ?? 0, body, 'application/json', sign(SECRET, body));
    expect(res.status).toBe(200);
    const thread = () => fake.of('chat.postMessage').filter((c) => c.args.thread_ts === '1000.1');
    const summary = await fake.waitFor(() => thread().find((c) => Array.isArray(c.args.blocks)), 60_000);
    const text = JSON.stringify(summary.args.blocks);
    expect(text).toContain('php8.2-fpm.service is inactive on web1');
    expect(text).toContain('`upstream-down`');
    expect(text).toMatch(
      /connect\(\) to unix:\/run\/php\/php8\.2-fpm\.sock failed \(2: No such file or directory\)/,
    );
    expect(text).toContain('Restart php8.2-fpm.service on web1');
    const updates = fake.of('chat.update');
    expect(updates.at(-1)?.args.text).toMatch(
      /^:white_check_mark: Diagnosed \*shop\* with `502-triage` in [\d.]+ s: down\n• \*medic\*: :x: 1\/1/,
    );
    const history = await (medic.store as NonNullable<typeof medic.store>).history('shop', 5);
    expect(history[0]).toMatchObject({
      status: 'down',
      topCause: 'upstream-down',
      trigger: 'slack',
      requestedBy: 'U7',
    });
    await web1.sh('systemctl start php8.2-fpm');
  });
});
