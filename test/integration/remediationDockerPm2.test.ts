/**
 * Remediation end to end through Slack, on a real fleet host: a real 502 (a pm2 app stopped, the
 * serving container stopped) → a signed mention to the real HTTP receiver → a diagnosis over SSH
 * whose summary carries approve buttons → a signed click from an approver → the action runs on
 * web1 (pm2 as the app's user via sudo; the container through the Engine API over SSH) → Medic
 * verifies the site recovered. Asserted in the thread (the fake Slack's recorded calls), on the
 * host, and in the audit log.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/core/command.js';
import type { AuditEntry } from '../../src/core/model/audit.js';
import { type ApiCall, FakeSlack } from '../support/fakeSlack.js';
import { Fleet, type FleetHost } from '../support/fleet.js';
import { type RemediationBot, startRemediationBot } from '../support/remediationBot.js';
import { mention } from '../support/slackRequests.js';

const REQUESTER = 'U7';
const APPROVER = 'U9';
const fleet = new Fleet();
const fake = new FakeSlack();
let web1: FleetHost;
let rb: RemediationBot;
const name = (n: string) => `${fleet.prefix}-${n}`;
const asDeploy = (script: string) => web1.sh(`su - deploy -c ${shellQuote(script)}`);
const httpCode = (hostHeader: string) =>
  web1.sh(`curl -s -o /dev/null -w '%{http_code}' -H 'Host: ${hostHeader}' http://127.0.0.1/`);

interface Button {
  type: string;
  action_id: string;
  value: string;
  text: { text: string };
  confirm?: { text: { text: string } };
}
interface Block {
  type: string;
  elements?: Button[];
  text?: { text: string };
}

const blocksOf = (c: ApiCall) => (Array.isArray(c.args.blocks) ? (c.args.blocks as Block[]) : []);
const thread = (ts: string) => fake.of('chat.postMessage').filter((c) => c.args.thread_ts === ts);
const textOf = (c: ApiCall) => String(c.args.text ?? '');

/**
 * A signed mention from the requester; waits for the summary with buttons and returns the
 * approve button of the action titled `title`.
 */
async function mentionAndFindApprove(text: string, ts: string, title: string): Promise<Button> {
  const status = await rb.send(JSON.stringify(mention(text, ts, 'C1', REQUESTER)));
  expect(status).toBe(200);
  const summary = await fake.waitFor(
    () => thread(ts).find((c) => JSON.stringify(blocksOf(c)).includes('"medic_approve_')),
    90_000,
  );
  const buttons = blocksOf(summary)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);
  const approve = buttons.find(
    (b) => b.action_id.startsWith('medic_approve_') && b.text.text === `Approve: ${title}`,
  );
  expect(
    approve,
    `no approve button for "${title}" among: ${buttons.map((b) => b.text.text).join(' | ')}`,
  ).toBeDefined();
  const button = approve as Button;
  expect(button.action_id).toMatch(/^medic_approve_\d+$/);
  expect(button.value).toMatch(/\S/);
  expect(button.confirm?.text.text).toContain(title);
  // The dry run and reject buttons of the same row carry the same opaque pending id.
  const i = button.action_id.slice('medic_approve_'.length);
  expect(buttons.find((b) => b.action_id === `medic_dryrun_${i}`)?.value).toBe(button.value);
  expect(buttons.find((b) => b.action_id === `medic_reject_${i}`)?.value).toBe(button.value);
  return button;
}

/** The approver clicks; waits for the verification message and returns the thread's messages. */
async function approveAndWait(button: Button, ts: string, site: string, responseId: string) {
  const before = thread(ts).length;
  expect(await rb.click(button.action_id, button.value, APPROVER, ts, responseId)).toBe(200);
  const verdict = await fake.waitFor(
    () =>
      thread(ts)
        .slice(before)
        .find((c) => /^:(large_green|red)_circle: \*/.test(textOf(c))),
    100_000,
  );
  // Nothing was refused to the clicker (refusals and dry runs answer ephemerally).
  expect(fake.responses.filter((r) => r.id === responseId)).toEqual([]);
  expect(textOf(verdict)).toMatch(
    new RegExp(`^:large_green_circle: \\*${site} recovered\\* in [\\d.]+ s after`),
  );
  return thread(ts).slice(before);
}

/** The audit of one pending action, oldest first. */
async function auditOf(site: string, pendingId: string): Promise<AuditEntry[]> {
  const remediator = rb.medic.remediator;
  if (!remediator) throw new Error('no remediator: the store is off');
  const entries = await remediator.auditLog(site, 50);
  return entries.filter((e) => e.pendingId === pendingId).reverse();
}

function expectAudit(entries: AuditEntry[], actionId: string, command: string): void {
  expect(entries.map((e) => e.event)).toEqual(['proposed', 'approved', 'executed', 'verified']);
  const [proposed, approved, executed, verified] = entries as [
    AuditEntry,
    AuditEntry,
    AuditEntry,
    AuditEntry,
  ];
  expect(proposed).toMatchObject({ actor: REQUESTER, detail: { action: actionId, risk: 'restart' } });
  expect(approved).toMatchObject({
    actor: APPROVER,
    detail: { action: actionId, risk: 'restart', requestedBy: REQUESTER },
  });
  expect(executed).toMatchObject({ actor: APPROVER, detail: { action: actionId, auto: false, ok: true } });
  const steps = (executed.detail as { steps: Array<{ command: string; code: number | null }> }).steps;
  expect(steps.map(({ command, code }) => ({ command, code }))).toEqual([{ command, code: 0 }]);
  expect(verified).toMatchObject({ actor: APPROVER, detail: { action: actionId, recovered: true } });
  // In order, and no refusal or other event for this pending action.
  for (let i = 1; i < entries.length; i++) {
    expect((entries[i] as AuditEntry).seq).toBeGreaterThan((entries[i - 1] as AuditEntry).seq);
  }
}

beforeAll(async () => {
  await fleet.prepare();
  await fake.start();
  await fleet.startHost('web2'); // web1's nginx resolves web2 (api.conf) at start
  web1 = await fleet.startHost('web1', { pm2: true, dockerSocket: true });
  await fleet.docker(
    'run',
    '-d',
    '--name',
    name('web'),
    '-p',
    '38080:8080',
    fleet.busybox,
    'httpd',
    '-f',
    '-p',
    '8080',
    '-h',
    '/www',
  );
  await asDeploy('pm2 start /srv/app/ecosystem.config.js --only api >/dev/null 2>&1');
  await web1.waitFor(
    `test "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: app.example.com' http://127.0.0.1/)" = 200`,
    30_000,
  );
  await web1.waitFor(
    `curl -s -o /dev/null -H 'Host: web.example.com' -w '%{http_code}' http://127.0.0.1/ | grep -qv '^5'`,
    30_000,
  );
  const storePath = join(mkdtempSync(join(tmpdir(), 'medic-remediation-store-')), 'medic.db');
  const site = (hostHeader: string, services: string) =>
    [
      `    url: http://127.0.0.1:${web1.httpPort}/`,
      `    hostHeader: ${hostHeader}`,
      '    hosts: [web1]',
      '    services:',
      '      - { kind: nginx }',
      `      - ${services}`,
    ].join('\n');
  const config = fleet.writeConfig(`
store: { path: ${storePath} }
remediation:
  approvers:
    - { users: [${APPROVER}], maxRisk: rollback }
  verify: { timeoutSeconds: 60, intervalSeconds: 1 }
hosts:
${web1.hostYaml()}
sites:
  app:
${site('app.example.com', '{ kind: pm2, app: api, user: deploy }')}
  web:
${site('web.example.com', `{ kind: docker, container: ${name('web')}, port: 38080 }`)}
`);
  rb = await startRemediationBot(config, fake);
}, 600_000);

afterAll(async () => {
  await rb?.stop();
  await fake.stop();
  await fleet.docker('rm', '-f', name('web')).catch(() => '');
  await fleet.stop();
});

describe('approved remediation through Slack on a real fleet host', () => {
  it('pm2 app stopped → 502 → mention → U9 approves "Restart pm2 app api (as deploy) on web1" → recovered', async () => {
    const ts = '2000.1';
    const title = 'Restart pm2 app api (as deploy) on web1';
    // Medic logs in as deploy, the app's user: pm2 runs directly, and the thread says so (no sudo).
    const command = 'pm2 restart api';
    await asDeploy('pm2 stop api >/dev/null');
    expect(await httpCode('app.example.com')).toBe('502');

    const button = await mentionAndFindApprove('<@UBOT> 502 on app', ts, title);
    const after = await approveAndWait(button, ts, 'app', 'r-app');

    const started = after.find(
      (c) => textOf(c) === `:arrow_forward: <@${APPROVER}> approved *${title}*: running`,
    );
    expect(started, after.map(textOf).join('\n')).toBeDefined();
    expect(JSON.stringify(blocksOf(started as ApiCall))).toContain(command);
    expect(JSON.stringify(blocksOf(started as ApiCall))).not.toContain('sudo -u deploy');
    const done = after.find((c) => textOf(c).startsWith(':white_check_mark: Ran on web1 in '));
    expect(done, after.map(textOf).join('\n')).toBeDefined();
    expect(textOf(done as ApiCall)).toMatch(/checking that app recovered…$/);
    expect(JSON.stringify(blocksOf(done as ApiCall))).toMatch(
      new RegExp(`✓ ${command}  \\(exit 0, \\d+ ms\\)`),
    );
    expect(after.indexOf(started as ApiCall)).toBeLessThan(after.indexOf(done as ApiCall));

    // On the host: pm2 (as deploy) has api online again, and nginx serves it.
    const jlist = await asDeploy('pm2 jlist');
    const apps = JSON.parse(jlist.slice(jlist.indexOf('['))) as Array<{
      name: string;
      pm2_env: { status: string };
    }>;
    expect(apps.find((a) => a.name === 'api')?.pm2_env.status).toBe('online');
    expect(await httpCode('app.example.com')).toBe('200');

    expectAudit(await auditOf('app', button.value), 'restart-pm2:web1:deploy:api', command);
  }, 120_000);

  it('serving container stopped → 502 → mention → U9 approves "Restart container … on web1" → recovered', async () => {
    const ts = '3000.1';
    const container = name('web');
    const title = `Restart container ${container} on web1`;
    const command = `docker restart --time 10 ${container}  (Engine API)`;
    await fleet.docker('stop', '-t', '1', container);
    expect(await fleet.docker('inspect', '-f', '{{.State.Running}}', container)).toBe('false');
    expect(await httpCode('web.example.com')).toBe('502');

    const button = await mentionAndFindApprove('<@UBOT> 502 on web', ts, title);
    const after = await approveAndWait(button, ts, 'web', 'r-web');

    const started = after.find(
      (c) => textOf(c) === `:arrow_forward: <@${APPROVER}> approved *${title}*: running`,
    );
    expect(started, after.map(textOf).join('\n')).toBeDefined();
    expect(JSON.stringify(blocksOf(started as ApiCall))).toContain(command);
    const done = after.find((c) => textOf(c).startsWith(':white_check_mark: Ran on web1 in '));
    expect(done, after.map(textOf).join('\n')).toBeDefined();
    expect(JSON.stringify(blocksOf(done as ApiCall))).toContain(`✓ ${command}  (exit 0, `);

    // On the engine: the container runs again, and nginx serves it.
    expect(await fleet.docker('inspect', '-f', '{{.State.Running}}', container)).toBe('true');
    expect(await httpCode('web.example.com')).not.toMatch(/^5/);

    expectAudit(await auditOf('web', button.value), `restart-container:web1:${container}`, command);
  }, 120_000);
});
