/**
 * A click counts only where its buttons are: on a real fleet host whose php-fpm is stopped (a
 * real 502), signed clicks through the real HTTP receiver by an approver from another channel
 * and from another workspace are refused to the clicker alone and audited; php-fpm stays
 * stopped and the other channel gets nothing. The same button on the report then restarts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../support/fakeSlack.js';
import { Fleet, type FleetHost } from '../support/fleet.js';
import { type RemediationBot, startRemediationBot } from '../support/remediationBot.js';
import { mention } from '../support/slackRequests.js';

const fleet = new Fleet();
const fake = new FakeSlack();
let web1: FleetHost;
let bot: RemediationBot;

const policy = `
remediation:
  approvers:
    - { users: [U9], maxRisk: rollback }
  verify: { timeoutSeconds: 45, intervalSeconds: 1 }
`;
const THREAD = '4100.1';
let pending = '';

const fpmState = async () => (await web1.sh('systemctl is-active php8.2-fpm || true')).trim();
const audit = () =>
  (bot.medic.remediator as NonNullable<RemediationBot['medic']['remediator']>).auditLog('shop', 100);
const response = (id: string) => fake.waitFor(() => fake.responses.find((r) => r.id === id), 30_000);
const chatIn = (channel: string) =>
  fake.calls.filter((c) => c.method.startsWith('chat.') && c.args.channel === channel);

beforeAll(async () => {
  await fleet.prepare();
  await fake.start();
  await fleet.startHost('web2'); // web1's nginx resolves web2 (api.conf)
  web1 = await fleet.startHost('web1');
  bot = await startRemediationBot(fleet.writeConfig(`${web1.shopConfigYaml()}${policy}`), fake);
  await web1.sh(
    'systemctl stop php8.2-fpm; curl -s -o /dev/null -H "Host: shop.example.com" http://127.0.0.1/',
  );
  expect(await bot.send(JSON.stringify(mention('<@UBOT> 502 on shop.example.com', THREAD, 'C1', 'U7')))).toBe(
    200,
  );
  const summary = await fake.waitFor(
    () =>
      fake
        .of('chat.postMessage')
        .find(
          (c) =>
            c.args.thread_ts === THREAD && JSON.stringify(c.args.blocks ?? '').includes('medic_approve_'),
        ),
    60_000,
  );
  type Button = { action_id?: string; value?: string; text?: { text: string } };
  const buttons = (summary.args.blocks as Array<{ elements?: Button[] }>).flatMap((b) => b.elements ?? []);
  const approve = buttons.find(
    (e) =>
      e.action_id?.startsWith('medic_approve_') &&
      /Restart php8\.2-fpm\.service on web1/.test(e.text?.text ?? ''),
  );
  pending = approve?.value ?? '';
  expect(pending).not.toBe('');
}, 600_000);

afterAll(async () => {
  await bot?.stop();
  await fake.stop();
  await fleet.stop();
});

describe('clicks bound to the report that carries them', () => {
  it('an approver clicking from another channel: refused, audited, nothing ran, C2 got nothing', async () => {
    expect(
      await bot.click('medic_approve_0', pending, 'U9', THREAD, 'c2', undefined, { channel: 'C2' }),
    ).toBe(200);
    expect((await response('c2')).body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('proposed in another channel'),
    });
    const refused = (await audit()).find((e) => e.pendingId === pending && e.detail.code === 'wrong-channel');
    expect(refused).toMatchObject({
      event: 'refused',
      actor: 'U9',
      detail: { clicked: { channel: 'C2', team: 'T1' } },
    });
    expect(chatIn('C2')).toEqual([]);
    expect(await fpmState()).not.toBe('active');
  });

  it('an approver clicking from another workspace: refused as wrong-team, nothing ran', async () => {
    expect(await bot.click('medic_approve_0', pending, 'U9', THREAD, 't2', undefined, { team: 'T2' })).toBe(
      200,
    );
    expect((await response('t2')).body.text).toContain('another Slack workspace');
    const codes = (await audit())
      .filter((e) => e.pendingId === pending)
      .map((e) => [e.event, e.detail.code ?? null]);
    expect(codes).toContainEqual(['refused', 'wrong-team']);
    expect(codes.filter(([event]) => event === 'approved' || event === 'executed')).toEqual([]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await fpmState()).not.toBe('active');
  });

  it('the button on the report itself then restarts php-fpm, and the report’s thread says so', async () => {
    expect(await bot.click('medic_approve_0', pending, 'U9', THREAD, 'ok')).toBe(200);
    await fake.waitFor(
      () =>
        chatIn('C1').find(
          (c) => c.args.thread_ts === THREAD && String(c.args.text).includes('*shop recovered* in'),
        ),
      90_000,
    );
    expect(await fpmState()).toBe('active');
    const events = (await audit()).filter((e) => e.pendingId === pending).map((e) => e.event);
    expect(events.filter((e) => e === 'executed')).toHaveLength(1);
    expect(chatIn('C2')).toEqual([]);
  }, 120_000);
});
