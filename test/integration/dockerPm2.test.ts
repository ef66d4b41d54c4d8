/**
 * Docker containers and pm2 apps, end to end. The containers run on the test engine, whose
 * socket is mounted into fleet host web1: Medic reaches it over SSH (the socket forwarded on
 * the pooled connection), never locally. pm2 (from npm) runs Node apps as deploy on web1,
 * behind web1's nginx.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/core/command.js';
import type { Report } from '../../src/core/model/report.js';
import { Fleet, type FleetHost } from '../support/fleet.js';

const cliPath = new URL('../../src/cli.ts', import.meta.url).pathname;
const fleet = new Fleet();
let web1: FleetHost;
let config = '';
const name = (n: string) => `${fleet.prefix}-${n}`;

async function diagnose(site: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    execFile(
      'node',
      ['--import', 'tsx', cliPath, 'diagnose', '--json', '--config', config, site],
      { timeout: 60_000 },
      (_e, stdout, stderr) => {
        if (!stdout.trim().startsWith('{')) reject(new Error(`no JSON: ${stderr}`));
        else resolve(JSON.parse(stdout) as Report);
      },
    );
  });
}
const asDeploy = (script: string) => web1.sh(`su - deploy -c ${shellQuote(script)}`);
const run = (n: string, ...args: string[]) => fleet.docker('run', '-d', '--name', name(n), ...args);

beforeAll(async () => {
  await fleet.prepare();
  await fleet.startHost('web2');
  web1 = await fleet.startHost('web1', { pm2: true, dockerSocket: true });
  const bb = fleet.busybox;
  await run('web', '-p', '38080:8080', bb, 'httpd', '-f', '-p', '8080', '-h', '/www');
  await run('exits', bb, 'sh', '-c', 'echo "fatal: config not found: /etc/app.yaml" >&2; exit 3');
  await run(
    'oom',
    '--memory',
    '8m',
    '--memory-swap',
    '8m',
    bb,
    'sh',
    '-c',
    'dd if=/dev/zero of=/dev/null bs=64M count=1',
  );
  await run(
    'sick',
    '--health-cmd',
    'wget -q -O- http://127.0.0.1:9999/health || exit 1',
    '--health-interval',
    '1s',
    '--health-retries',
    '2',
    bb,
    'httpd',
    '-f',
    '-p',
    '8080',
    '-h',
    '/www',
  );
  await run('loop', '--restart', 'always', bb, 'sh', '-c', 'echo "panic: cannot bind :80" >&2; exit 1');
  await asDeploy('pm2 start /srv/app/ecosystem.config.js >/dev/null 2>&1');
  await new Promise((r) => setTimeout(r, 6000)); // health retries, restart loop, pm2 giving up on worker
  const site = (host: string, services: string) =>
    `    url: http://127.0.0.1:${web1.httpPort}/\n    hostHeader: ${host}\n    hosts: [web1]\n    services:\n${services}`;
  const docker = (n: string, extra = '') =>
    `      - { kind: nginx }\n      - { kind: docker, container: ${name(n)}${extra} }`;
  config = fleet.writeConfig(`
hosts:
${web1.hostYaml()}
sites:
  web:
${site('web.example.com', docker('web', ', port: 38080'))}
  exits:
${site('web.example.com', docker('exits'))}
  oom:
${site('web.example.com', docker('oom'))}
  sick:
${site('web.example.com', docker('sick'))}
  loop:
${site('web.example.com', docker('loop'))}
  wrongport:
${site('web.example.com', docker('web', ', port: 3000'))}
  app:
${site('app.example.com', '      - { kind: nginx }\n      - { kind: pm2, app: api, user: deploy }')}
  worker:
${site('worker.example.com', '      - { kind: nginx }\n      - { kind: pm2, app: worker, user: deploy }')}
`);
}, 600_000);

afterAll(async () => {
  await fleet.docker('rm', '-f', ...['web', 'exits', 'oom', 'sick', 'loop'].map(name)).catch(() => '');
  await fleet.stop();
});

describe('Docker containers, through the fleet host over SSH', () => {
  it('a serving container behind nginx: healthy', async () => {
    const r = await diagnose('web');
    expect(r.status).toBe('healthy');
    expect(r.findings.find((f) => f.check === 'docker-container')).toMatchObject({
      severity: 'ok',
      summary: `${name('web')} is running`,
    });
  });

  it('a container that exited: container-down with its exit code and last log line', async () => {
    const c = (await diagnose('exits')).causes[0];
    expect(c?.id).toBe('container-down');
    expect(c?.title).toBe(`container ${name('exits')} on web1 is exited (exit 3)`);
    expect(c?.evidence).toContain(`${name('exits')} stderr: fatal: config not found: /etc/app.yaml`);
  });

  it('a container killed for memory: oom-killed (exit 137 confirmed by OOMKilled, the oom event or its kernel line)', async () => {
    const r = await diagnose('oom');
    const c = r.causes[0];
    expect(c?.id).toBe('oom-killed');
    expect(c?.evidence[0]).toMatch(/State=exited ExitCode=137/);
    const ev = c?.evidence.join('\n') ?? '';
    expect(ev).toMatch(
      /OOMKilled=true|recorded \d+ oom event|Memory cgroup out of memory: Killed process \d+ \(dd\)/,
    );
    // Only this container's kernel lines: other containers' kills on the same kernel are not evidence.
    const id = (await fleet.docker('inspect', '-f', '{{.Id}}', name('oom'))).trim();
    for (const line of ev.split('\n').filter((l) => l.includes('task_memcg='))) expect(line).toContain(id);
  });

  it('a failing HEALTHCHECK: container-unhealthy with the probe output', async () => {
    const c = (await diagnose('sick')).causes[0];
    expect(c?.id).toBe('container-unhealthy');
    expect(c?.evidence.join('\n')).toMatch(/health: unhealthy \(failing streak \d+\)/);
  });

  it('a restart loop: upstream-crashing', async () => {
    const c = (await diagnose('loop')).causes[0];
    expect(c?.id).toBe('upstream-crashing');
    expect(c?.evidence.join('\n')).toMatch(/RestartPolicy=always/);
  });

  it('nginx proxies to a port the container does not publish: upstream-port-mismatch', async () => {
    const c = (await diagnose('wrongport')).causes[0];
    expect(c?.id).toBe('upstream-port-mismatch');
    expect(c?.title).toMatch(/does not publish port 3000 \(publishes 0\.0\.0\.0:38080->8080\/tcp/);
  });

  it('the serving container stopped: a real 502, container-down first', async () => {
    await fleet.docker('stop', '-t', '1', name('web'));
    try {
      expect(
        await web1.sh("curl -s -o /dev/null -w '%{http_code}' -H 'Host: web.example.com' http://127.0.0.1/"),
      ).toBe('502');
      const r = await diagnose('web');
      expect(r.status).toBe('down');
      expect(r.causes[0]?.id).toBe('container-down');
      expect(r.actions.map((a) => a.id)).toContain(`restart-container:web1:${name('web')}`);
    } finally {
      await fleet.docker('start', name('web'));
    }
  });
});

describe('pm2 apps run by deploy', () => {
  it('online: healthy', async () => {
    const r = await diagnose('app');
    expect(r.status).toBe('healthy');
    expect(r.findings.find((f) => f.check === 'pm2-app')).toMatchObject({
      severity: 'ok',
      summary: 'pm2 app api is online',
    });
  });

  it('stopped: a real 502 with connect() refused, upstream-down', async () => {
    await asDeploy('pm2 stop api >/dev/null');
    try {
      expect(
        await web1.sh("curl -s -o /dev/null -w '%{http_code}' -H 'Host: app.example.com' http://127.0.0.1/"),
      ).toBe('502');
      const r = await diagnose('app');
      const c = r.causes[0];
      expect(c?.id).toBe('upstream-down');
      expect(c?.title).toBe('pm2 app api on web1 is stopped');
      const ev = c?.evidence.join('\n') ?? '';
      expect(ev).toMatch(/status=stopped/);
      expect(ev).toMatch(/connect\(\) failed \(111: Connection refused\) while connecting to upstream/);
    } finally {
      await asDeploy('pm2 start api >/dev/null');
    }
  });

  it('crash-looping until pm2 gives up (errored): upstream-crashing with the error log, secrets redacted', async () => {
    const r = await diagnose('worker');
    const c = r.causes[0];
    expect(c?.id).toBe('upstream-crashing');
    expect(c?.evidence.join('\n')).toMatch(/status=errored/);
    expect(c?.evidence.join('\n')).toMatch(
      /ECONNREFUSED 127\.0\.0\.1:5432 \(database password=\[redacted\]\)/,
    );
    expect(JSON.stringify(r)).not.toMatch(/hunter2|not-a-real/);
  });
});
