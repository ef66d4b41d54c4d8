/**
 * Rolling a container back to its previous image, end to end on a real fleet host: two releases
 * of one repository built on the test engine (`:v1` serves, `:v2`, built later, is a bad release
 * whose start script exits 1; its Cmd, Env and labels differ from v1's, as a new release's do), the
 * site's container running `:v2` behind web1's nginx → a real 502 → Slack offers the declared
 * rollback as an approve button → `medic remediate <site> rollback --dry-run` names `:v1` and
 * changes nothing → `medic remediate <site> rollback --yes` recreates the container from `:v1`
 * through the Engine API over SSH, keeps the bad one stopped, and verifies the site recovered.
 * Asserted on the engine, through nginx, and in the audit log.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../src/cli.js';
import { reportError } from '../../src/cliErrors.js';
import type { AuditEntry } from '../../src/core/model/audit.js';
import { type ApiCall, FakeSlack } from '../support/fakeSlack.js';
import { Fleet, type FleetHost } from '../support/fleet.js';
import { type RemediationBot, startRemediationBot } from '../support/remediationBot.js';
import { mention } from '../support/slackRequests.js';

const SITE = 'web';
const HOST_HEADER = 'web.example.com'; // nginx on web1 proxies it to dockerhost:38080 (backend.conf)
const fleet = new Fleet();
const fake = new FakeSlack();
const repo = `medic-rb-${process.pid}`;
const V1 = `${repo}:v1`;
const V2 = `${repo}:v2`;
const container = `${fleet.prefix}-shop`;
const actionId = `rollback-container:web1:rollback-1`;
const title = `Roll back container ${container} to its previous image on web1`;
const work = mkdtempSync(join(tmpdir(), 'medic-rollback-'));
let web1: FleetHost;
let rb: RemediationBot | undefined;
let config = '';

const httpCode = () =>
  web1.sh(`curl -s -o /dev/null -w '%{http_code}' -H 'Host: ${HOST_HEADER}' http://127.0.0.1/`);
const httpBody = () => web1.sh(`curl -s -H 'Host: ${HOST_HEADER}' http://127.0.0.1/`);
const inspect = async (name: string, format: string) => fleet.docker('inspect', '-f', format, name);
/** Names of the kept (renamed) old containers. */
const keptContainers = async () =>
  (await fleet.docker('ps', '-a', '--filter', `name=^${container}-medic-`, '--format', '{{.Names}}'))
    .split('\n')
    .filter(Boolean);

/** `medic …` in-process, as a user at a terminal would run it. */
async function medic(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d) => {
    o += d;
  });
  err.on('data', (d) => {
    e += d;
  });
  let code: number;
  try {
    code = await cli([...args, '-c', config], out, err);
  } catch (x) {
    code = reportError(x, err);
  }
  return { code, out: o, err: e };
}

/**
 * One release's build context. Each release has its own start script (its Cmd), APP_VERSION and
 * release label, and declares a volume; the bad release lacks the config file its start script
 * needs, so it exits 1 at start. A rollback must run v1 with v1's own Cmd and Env, not v2's.
 */
function release(version: 'v1' | 'v2'): string {
  const dir = join(work, version);
  const script = version === 'v1' ? 'start.sh' : 'boot.sh';
  mkdirSync(join(dir, 'root/www'), { recursive: true });
  mkdirSync(join(dir, 'root/etc'), { recursive: true });
  writeFileSync(
    join(dir, 'Dockerfile'),
    [
      `FROM ${fleet.busybox}`,
      'COPY root/ /',
      `ENV APP_VERSION=${version}`,
      `LABEL release=${version}`,
      'VOLUME /data',
      `CMD ["/bin/sh", "/${script}"]`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, `root/${script}`),
    [
      '#!/bin/sh',
      '[ -f /etc/shop.conf ] || { echo "fatal: /etc/shop.conf: no such file" >&2; exit 1; }',
      'exec httpd -f -p 8080 -h /www',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'root/www/index.html'), `shop ${version}\n`);
  if (version === 'v1') writeFileSync(join(dir, 'root/etc/shop.conf'), 'listen=8080\n');
  return dir;
}

beforeAll(async () => {
  await fleet.prepare();
  await fake.start();
  await fleet.startHost('web2'); // web1's nginx resolves web2 (api.conf) at start
  web1 = await fleet.startHost('web1', { dockerSocket: true });

  // Two releases; v2 created at least a second later (the Engine lists Created in seconds).
  await fleet.docker('build', '--no-cache', '-q', '-t', V1, release('v1'));
  await new Promise((r) => setTimeout(r, 1500));
  await fleet.docker('build', '--no-cache', '-q', '-t', V2, release('v2'));
  const created = async (tag: string) =>
    Date.parse(await fleet.docker('image', 'inspect', '-f', '{{.Created}}', tag));
  expect(Math.floor((await created(V2)) / 1000)).toBeGreaterThan(Math.floor((await created(V1)) / 1000));
  expect(await fleet.docker('image', 'inspect', '-f', '{{json .Config.Cmd}}', V1)).not.toBe(
    await fleet.docker('image', 'inspect', '-f', '{{json .Config.Cmd}}', V2),
  );

  // The bad release is deployed: it crash-loops, nginx answers 502.
  // The operator's own settings: an extra variable and label; the anonymous /data volume.
  await fleet.docker(
    'run',
    '-d',
    '--name',
    container,
    '--restart',
    'unless-stopped',
    '-p',
    '38080:8080',
    '-e',
    'SHOP_MODE=prod',
    '--label',
    'team=shop',
    V2,
  );
  await web1.waitFor(
    `test "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: ${HOST_HEADER}' http://127.0.0.1/)" = 502`,
    30_000,
  );

  const storePath = join(work, 'medic.db');
  config = fleet.writeConfig(`
store: { path: ${storePath} }
remediation:
  approvers:
    - { users: [U9], maxRisk: rollback }
  verify: { timeoutSeconds: 60, intervalSeconds: 1 }
hosts:
${web1.hostYaml()}
sites:
  ${SITE}:
    url: http://127.0.0.1:${web1.httpPort}/
    hostHeader: ${HOST_HEADER}
    hosts: [web1]
    services:
      - { kind: nginx }
      - { kind: docker, container: ${container}, port: 38080 }
    rollback:
      - { kind: rollback-container, container: ${container} }
`);
}, 600_000);

afterAll(async () => {
  await rb?.stop();
  await fake.stop();
  const kept = await keptContainers().catch(() => [] as string[]);
  await fleet.docker('rm', '-f', container, ...kept).catch(() => '');
  await fleet.docker('rmi', '-f', V1, V2).catch(() => '');
  await fleet.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('rollback-container on a real fleet host', () => {
  it('the bad release (:v2) is deployed: its start script exits 1, nginx answers 502', async () => {
    expect(await inspect(container, '{{.Config.Image}}')).toBe(V2);
    expect(await httpCode()).toBe('502');
  });

  it('a report of the failing site in Slack offers the declared rollback as an approve button', async () => {
    rb = await startRemediationBot(config, fake);
    const ts = '4000.1';
    expect(await rb.send(JSON.stringify(mention(`<@UBOT> 502 on ${SITE}`, ts, 'C1', 'U7')))).toBe(200);
    const blocksOf = (c: ApiCall) =>
      (Array.isArray(c.args.blocks) ? c.args.blocks : []) as Array<{
        type: string;
        elements?: Array<{
          action_id: string;
          value: string;
          text: { text: string };
          confirm?: { text: { text: string } };
        }>;
      }>;
    const summary = await fake.waitFor(
      () =>
        fake
          .of('chat.postMessage')
          .filter((c) => c.args.thread_ts === ts)
          .find((c) => JSON.stringify(blocksOf(c)).includes('"medic_approve_')),
      90_000,
    );
    const buttons = blocksOf(summary)
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    const label = `Approve: ${title}`;
    const clipped = label.length <= 75 ? label : `${label.slice(0, 74)}…`; // Slack's button text limit
    const approve = buttons.find((b) => b.action_id.startsWith('medic_approve_') && b.text.text === clipped);
    expect(approve, buttons.map((b) => b.text.text).join(' | ')).toBeDefined();
    expect(approve?.confirm?.text.text).toContain(title);
    // Resolved on the host when proposed: the dialog names the tag it will run, not a placeholder.
    expect(approve?.confirm?.text.text).toContain(`with a container of ${V1}`);
    // Offered, not run: the bad release still runs.
    expect(await inspect(container, '{{.Config.Image}}')).toBe(V2);
    await rb.stop();
    rb = undefined;
  }, 120_000);

  it('medic remediate --dry-run names the previous tag (:v1) and changes nothing', async () => {
    const id = await inspect(container, '{{.Id}}');
    const r = await medic('remediate', SITE, 'rollback', '--dry-run');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^down: /m);
    expect(r.out).toContain(`Dry run of "${title}" (rollback) on web1; nothing was run:`);
    expect(r.out).toContain(
      `  $ replace ${container} (${V2}) with a container of ${V1}, same config; keep the old one stopped  (Engine API)`,
    );
    expect(await inspect(container, '{{.Id}}')).toBe(id);
    expect(await inspect(container, '{{.Config.Image}}')).toBe(V2);
    expect(await keptContainers()).toEqual([]);
    expect(await httpCode()).toBe('502');
  }, 120_000);

  it('medic remediate --yes: the container runs :v1 with the same config, the bad one is kept stopped, the site serves 200', async () => {
    const oldId = await inspect(container, '{{.Id}}');
    const bindings = await inspect(container, '{{json .HostConfig.PortBindings}}');
    const policy = await inspect(container, '{{json .HostConfig.RestartPolicy}}');
    const volume = await inspect(container, '{{range .Mounts}}{{.Name}}{{end}}');
    expect(volume).toMatch(/^[0-9a-f]{64}$/);
    const t0 = Date.now();

    const r = await medic('remediate', SITE, 'rollback', '--yes');
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Approved by cli:`);
    expect(r.out).toMatch(/ {2}ok {2}exit 0 in \d+ ms: replace /);
    expect(r.out).toMatch(new RegExp(`^${SITE} recovered in [\\d.]+ s\\.$`, 'm'));

    // On the engine: a new container under the same name, from :v1, running, same config.
    expect(await inspect(container, '{{.Id}}')).not.toBe(oldId);
    expect(await inspect(container, '{{.Config.Image}}')).toBe(V1);
    expect(await inspect(container, '{{.State.Running}}')).toBe('true');
    expect(await inspect(container, '{{json .HostConfig.PortBindings}}')).toBe(bindings);
    expect(await inspect(container, '{{json .HostConfig.RestartPolicy}}')).toBe(policy);
    // v1's own Cmd and APP_VERSION and label, not those v2 brought; the operator's kept.
    expect(await inspect(container, '{{json .Config.Cmd}}')).toBe('["/bin/sh","/start.sh"]');
    const env = JSON.parse(await inspect(container, '{{json .Config.Env}}')) as string[];
    expect(env).toContain('APP_VERSION=v1');
    expect(env).toContain('SHOP_MODE=prod');
    expect(env).not.toContain('APP_VERSION=v2');
    expect(
      await inspect(container, '{{index .Config.Labels "release"}} {{index .Config.Labels "team"}}'),
    ).toBe('v1 shop');
    // The anonymous volume went with the service.
    expect(await inspect(container, '{{range .Mounts}}{{.Name}}{{end}}')).toBe(volume);
    expect(await fleet.docker('port', container, '8080/tcp')).toMatch(/:38080$/m);
    // The bad release is kept, stopped, under <name>-medic-<time>: rolling forward is a rename away.
    const kept = await keptContainers();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(new RegExp(`^${container}-medic-\\d{14}-[0-9a-f]{4}$`));
    // Its restart policy is off, so a daemon restart cannot bring the bad release back.
    expect(await inspect(kept[0] as string, '{{.HostConfig.RestartPolicy.Name}}')).toBe('no');
    expect(await inspect(kept[0] as string, '{{.Id}}')).toBe(oldId);
    expect(await inspect(kept[0] as string, '{{.Config.Image}}')).toBe(V2);
    expect(await inspect(kept[0] as string, '{{.State.Running}}')).toBe('false');
    // Through nginx: the good release answers.
    expect(await httpCode()).toBe('200');
    expect(await httpBody()).toBe('shop v1');

    // The audit: the dry run, then approved (by the operator), executed (one step, exit 0), verified.
    const a = await medic('audit', SITE, '--json');
    expect(a.code).toBe(0);
    const entries = (JSON.parse(a.out) as AuditEntry[])
      .filter((e) => e.pendingId === null && (e.detail as { action?: string }).action === actionId)
      .reverse();
    expect(entries.map((e) => e.event)).toEqual(['dry-run', 'approved', 'executed', 'verified']);
    for (const e of entries) expect(e.actor).toMatch(/^cli:/);
    const [, approved, executed, verified] = entries as [AuditEntry, AuditEntry, AuditEntry, AuditEntry];
    expect(approved.detail).toMatchObject({ action: actionId, risk: 'rollback', via: 'terminal' });
    expect(executed.detail).toMatchObject({ action: actionId, auto: false, ok: true });
    const steps = (executed.detail as { steps: Array<{ command: string; code: number | null }> }).steps;
    expect(steps.map(({ command, code }) => ({ command, code }))).toEqual([
      {
        command: `replace ${container} (${V2}) with a container of ${V1}, same config; keep the old one stopped  (Engine API)`,
        code: 0,
      },
    ]);
    expect(verified.detail).toMatchObject({ action: actionId, recovered: true });
    expect(Date.parse(approved.at)).toBeGreaterThanOrEqual(t0 - 1000);
  }, 120_000);
});
