/**
 * The diagnosis that follows the request, against real broken fleet hosts: a config that names
 * only each site's URL and hosts (no services), one real fault at a time (test/support/faults),
 * and `medic diagnose --json` as a user runs it. Each case asserts the top cause, the decisive
 * evidence line and, where it says the most, the chain the report shows.
 */
import { execFile } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/model/report.js';
import {
  backendOomKilled,
  backendStopped,
  badBackend,
  clearLogs,
  commandHangs,
  diskFull,
  dnsNxdomain,
  editFile,
  type Fault,
  firewall,
  fpmSaturated,
  fpmSocketMoved,
  fpmSocketPermission,
  nginxOutOfFds,
  nginxWorkerConnections,
  noLiveUpstreams,
  nothingListens,
  POOL,
  phpExecutionTimeout,
  phpFpmCrashLoop,
  phpFpmKilled,
  phpFpmStopped,
  phpHeaderTooBig,
  phpWorkerSegfault,
  proxyBindFails,
  restartFpm,
  SHOP,
  stopAllBackends,
  tlsToPlainBackend,
  visit,
  wrongAddress,
} from '../support/faults.js';
import { Fleet, type FleetHost } from '../support/fleet.js';

const cliPath = new URL('../../src/cli.ts', import.meta.url).pathname;
const fleet = new Fleet();
let web1: FleetHost;
let web2: FleetHost;
let config = '';
let current: Fault | undefined;

const badModes = [
  'ok',
  'close',
  'reset',
  'garbage',
  'badheader',
  'bigheader',
  'slow',
  'hang',
  'error500',
  'crash',
  'hog',
  'fcgi',
  'fcgieof',
  'tls',
  'plain',
  'down',
  'nolive',
  'nxdomain',
  'bind',
  'wrongaddr',
];

beforeAll(async () => {
  await fleet.prepare();
  web2 = await fleet.startHost('web2');
  web1 = await fleet.startHost('web1', { tmpfs: ['/srv/data:size=1m,mode=1777'] });
  const site = (name: string, host: string, hosts = '[web1]') =>
    `  ${name}:\n    url: http://127.0.0.1:${web1.httpPort}/\n    hostHeader: ${host}\n    hosts: ${hosts}\n`;
  config = fleet.writeConfig(
    [
      'hosts:',
      web1.hostYaml(),
      web2.hostYaml(),
      'sites:',
      site('shop', SHOP),
      site('api', 'api.example.com', '[web1, web2]'),
      ...badModes.map((m) => site(m, `${m}.bad.example.com`)),
    ].join('\n'),
  );
});
afterAll(() => fleet.stop());

afterEach(async () => {
  await current?.restore();
  current = undefined;
  await stopAllBackends(web1);
  await clearLogs(web1);
}, 60_000);

function medic(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['--import', 'tsx', cliPath, ...args], { timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function diagnose(site: string): Promise<Report & { exit: number }> {
  const r = await medic('diagnose', '--json', '--config', config, site);
  if (!r.stdout.trim().startsWith('{')) throw new Error(`no JSON (exit ${r.code}): ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Report), exit: r.code };
}

/** Inject, let a user hit the site (nginx logs the failure), and diagnose it. */
async function broken(f: Promise<Fault>, site: string, hits = 1): Promise<Report & { exit: number }> {
  current = await f;
  for (let i = 0; i < hits; i++) await visit(current.gateway, current.site, current.path, 20);
  return diagnose(site);
}

const top = (r: Report) => r.causes[0];
const evidence = (r: Report) => top(r)?.evidence.join('\n') ?? '';
/** Each chain as one line: `label[state]` hops. */
const chains = (r: Report) =>
  r.topology.chains.map((c) =>
    c.hops.map((h) => `${h.label}[${h.state}]${h.note ? `(${h.note})` : ''}`).join(' > '),
  );
const why = (r: Report) =>
  JSON.stringify(
    {
      headline: r.headline,
      causes: r.causes.map((c) => `${c.id} ${c.confidence} ${c.title}`),
      chains: chains(r),
      symptoms: r.findings
        .filter((f) =>
          [
            'nginx-upstream-error',
            'backend-event',
            'firewall-block',
            'site-probe',
            'oom-kill',
            'unit-state',
          ].includes(f.kind),
        )
        .map((f) => `${f.host} ${f.kind} ${f.severity} ${f.summary}`),
      blind: r.blindSpots.map((b) => `${b.host} ${b.check} ${b.reason} ${b.message}`),
    },
    null,
    1,
  );

function expectTop(r: Report, id: string, line: RegExp) {
  expect(top(r)?.id, why(r)).toBe(id);
  expect(evidence(r), why(r)).toMatch(line);
}

describe('a healthy site, found without services in medic.yaml', () => {
  it('shop: healthy, exit 0, the chain mapped to php8.2-fpm.service', async () => {
    const r = await diagnose('shop');
    expect([r.status, r.exit], why(r)).toEqual(['healthy', 0]);
    expect(r.blindSpots).toEqual([]);
    expect(r.basis.probes).toBeGreaterThanOrEqual(3);
    expect(chains(r)).toContainEqual(
      expect.stringMatching(
        /unix:\/run\/php\/php8\.2-fpm\.sock\[ok\] > php-fpm8\.2 on \/run\/php\/php8\.2-fpm\.sock@web1\[ok\] > pid \d+ \(root\)\[ok\] > php8\.2-fpm\.service@web1\[ok\]/,
      ),
    );
  });
});

describe('php-fpm behind shop', () => {
  it('stopped: upstream-down, the unit and the ENOENT line', async () => {
    const r = await broken(phpFpmStopped(web1), 'shop');
    expect([r.status, r.exit]).toEqual(['down', 1]);
    expectTop(
      r,
      'upstream-down',
      /connect\(\) to unix:\/run\/php\/php8\.2-fpm\.sock failed \(2: No such file/,
    );
    expect(evidence(r)).toMatch(/php8\.2-fpm\.service: ActiveState=inactive/);
    expect(r.actions.map((a) => a.id)).toContain('restart-unit:web1:php8.2-fpm.service');
  });

  it('SIGKILLed: upstream-down, killed by signal 9, 111', async () => {
    const r = await broken(phpFpmKilled(web1), 'shop');
    expectTop(r, 'upstream-down', /\(111: Connection refused\)/);
    expect(top(r)?.title).toMatch(/killed by signal 9/);
  });

  it('crash-looping into the start limit: upstream-crashing, its restarts', async () => {
    const r = await broken(phpFpmCrashLoop(web1), 'shop');
    expectTop(r, 'upstream-crashing', /NRestarts=[1-9]/);
  });

  it('fastcgi_pass left at php8.1 while 8.2 listens: proxy-misconfig naming both sockets', async () => {
    const r = await broken(fpmSocketMoved(web1), 'shop');
    expectTop(
      r,
      'proxy-misconfig',
      /connect\(\) to unix:\/run\/php\/php8\.1-fpm\.sock failed \(2: No such file/,
    );
    expect(top(r)?.title).toMatch(/php8\.1-fpm\.sock.*php-fpm8\.2 listens on \/run\/php\/php8\.2-fpm\.sock/);
    expect(chains(r)[0]).toMatch(
      /unix:\/run\/php\/php8\.1-fpm\.sock\[ok\] > nothing listens\[broken\]\(php-fpm8\.2 listens on \/run\/php\/php8\.2-fpm\.sock\)/,
    );
    expect(r.actions.find((a) => a.kind === 'edit-config')?.preview[0]).toBe(
      'fastcgi_pass unix:/run/php/php8.2-fpm.sock;',
    );
  });

  it('php-fpm moved to TCP while nginx passes to its socket: proxy-misconfig naming 127.0.0.1:9000', async () => {
    const pool = await editFile(web1, POOL, `sed -i 's#^listen = .*#listen = 127.0.0.1:9000#' ${POOL}`);
    current = {
      name: 'fpm on tcp',
      site: SHOP,
      path: '/',
      gateway: web1,
      since: '',
      restore: async () => {
        await pool();
        await restartFpm(web1);
      },
    };
    await web1.sh('systemctl restart php8.2-fpm');
    await web1.waitFor("ss -Hltn 'sport = :9000' | grep -q .", 15_000);
    await visit(web1, SHOP);
    const r = await diagnose('shop');
    expectTop(r, 'proxy-misconfig', /127\.0\.0\.1:9000/);
    expect(top(r)?.title).toMatch(/php-fpm8\.2 listens on 127\.0\.0\.1:9000/);
  });

  it('socket mode 0600 root: upstream-socket-permission, 13', async () => {
    const r = await broken(fpmSocketPermission(web1), 'shop');
    expectTop(r, 'upstream-socket-permission', /\(13: Permission denied\)/);
  });

  it('saturated: upstream-saturated, EAGAIN or max_children', async () => {
    const r = await broken(fpmSaturated(web1), 'shop', 0);
    expectTop(r, 'upstream-saturated', /\(11: Resource temporarily unavailable\)|pm\.max_children/);
  });

  it('a worker segfaults mid-request: upstream-crashing, with FPM signal 11', async () => {
    const r = await broken(phpWorkerSegfault(web1), 'shop', 0);
    expectTop(r, 'upstream-crashing', /exited on signal 11 \(SIGSEGV\)/);
  });

  it('execution timeout: upstream-timeout, FPM terminated the request', async () => {
    const r = await broken(phpExecutionTimeout(web1), 'shop');
    expectTop(r, 'upstream-timeout', /execution timed out/);
  });

  it('a response header too big: upstream-header-too-big, fastcgi_buffer_size', async () => {
    const r = await broken(phpHeaderTooBig(web1), 'shop');
    expectTop(r, 'upstream-header-too-big', /upstream sent too big header/);
    expect(top(r)?.actions[0]?.preview[0]).toMatch(/^fastcgi_buffer_size 16k;/);
  });

  it('disk full under the app: disk-full, while php-fpm and nginx are fine', async () => {
    const r = await broken(diskFull(web1), 'shop');
    expectTop(r, 'disk-full', /\/srv\/data/);
  });
});

describe('backends behind proxy_pass', () => {
  const cases: Array<[string, Parameters<typeof badBackend>[1], string, RegExp]> = [
    ['closes without a byte', 'close', 'upstream-bad-response', /upstream prematurely closed connection/],
    ['resets', 'reset', 'upstream-bad-response', /recv\(\) failed \(104: Connection reset by peer\)/],
    ['answers garbage', 'garbage', 'upstream-bad-response', /upstream sent no valid HTTP\/1\.0 header/],
    ['sends an invalid header', 'badheader', 'upstream-bad-response', /upstream sent invalid header/],
    ['sends a huge header', 'bigheader', 'upstream-header-too-big', /upstream sent too big header/],
    [
      'is too slow',
      'slow',
      'upstream-timeout',
      /upstream timed out \(110: Connection timed out\) while reading/,
    ],
    ['never answers', 'hang', 'upstream-timeout', /upstream timed out \(110/],
    ['crashes on a request', 'crash', 'upstream-crashing', /TypeError|Main process exited/],
    ['sends a bad FastCGI record', 'fcgi', 'upstream-bad-response', /unexpected FastCGI record/],
    ['ends FastCGI stdout early', 'fcgieof', 'upstream-bad-response', /prematurely closed FastCGI stdout/],
    ['has a certificate nginx refuses', 'tls', 'upstream-tls', /certificate verify error/],
  ];
  for (const [what, mode, id, line] of cases) {
    it(`${mode}: a backend that ${what} is ${id}`, async () => {
      const r = await broken(badBackend(web1, mode), mode);
      expect(r.status).not.toBe('healthy');
      expectTop(r, id, line);
    });
  }

  it('error500: the infrastructure is fine, the application answers 500: application-error', async () => {
    const r = await broken(badBackend(web1, 'error500'), 'error500');
    expect(r.status, why(r)).toBe('down');
    expect(top(r)?.id, why(r)).toBe('application-error');
    expect(top(r)?.title).toMatch(/journalctl -u bad@error500\.service/);
    expect(chains(r)[0]).not.toMatch(/\[broken\]/);
  });

  it('OOM-killed under MemoryMax: oom-killed with the kernel line', async () => {
    const r = await broken(backendOomKilled(web1), 'hog', 2);
    expectTop(r, 'oom-killed', /Memory cgroup out of memory: Killed process \d+ \(node\)|oom/i);
  });

  it('its unit stopped: upstream-down, nothing listens on 127.0.0.1:9101', async () => {
    const r = await broken(backendStopped(web1), 'ok');
    expectTop(r, 'upstream-down', /\(111: Connection refused\)/);
    expect(top(r)?.title).toMatch(/nothing listens on 127\.0\.0\.1:9101/);
  });

  it('a port no unit serves: upstream-down', async () => {
    const r = await broken(nothingListens(web1), 'down');
    expectTop(r, 'upstream-down', /127\.0\.0\.1:9199/);
  });

  it('the backend runs on another port than proxy_pass names: proxy-misconfig naming it', async () => {
    current = await badBackend(web1, 'ok'); // bad@ok on 9101; down.bad.example.com proxies to 9199
    await visit(web1, 'down.bad.example.com');
    const r = await diagnose('down');
    expectTop(r, 'proxy-misconfig', /127\.0\.0\.1:9101/);
    expect(top(r)?.title).toMatch(/nothing listens.*listens on 127\.0\.0\.1:9101/);
  });

  it('listening on loopback while nginx connects to the host address: upstream-port-mismatch', async () => {
    const r = await broken(wrongAddress(web1), 'wrongaddr');
    expectTop(r, 'upstream-port-mismatch', /127\.0\.0\.1:9101/);
  });

  it('both peers of a group refused: no live upstreams, upstream-down', async () => {
    const r = await broken(noLiveUpstreams(web1), 'nolive');
    expectTop(r, 'upstream-down', /\(111: Connection refused\)|no live upstreams/);
  });

  it('a name the resolver does not know: dns-failure', async () => {
    const r = await broken(dnsNxdomain(web1), 'nxdomain');
    expectTop(r, 'dns-failure', /could not be resolved \(3: Host not found\)/);
  });

  it('TLS to a plain-HTTP backend: proxy-misconfig', async () => {
    const r = await broken(tlsToPlainBackend(web1), 'plain');
    expectTop(r, 'proxy-misconfig', /wrong version number/);
  });

  it('proxy_bind to an address the host lacks: proxy-misconfig, 99', async () => {
    const r = await broken(proxyBindFails(web1), 'bind');
    expectTop(r, 'proxy-misconfig', /\(99: Cannot assign requested address\)/);
  });
});

describe('the network and the gateway', () => {
  for (const kind of ['drop', 'icmp-host-prohibited', 'tcp-reset'] as const) {
    it(`a firewall ${kind} on web2: firewall-block with the rule`, async () => {
      const r = await broken(firewall(web2, web1, kind), 'api');
      expectTop(r, 'firewall-block', /--dport 8080/);
      expect(top(r)?.hosts).toEqual(['web2']);
    });
  }

  it('nginx out of file descriptors: gateway-limits, errno 24', async () => {
    const r = await broken(nginxOutOfFds(web1), 'shop');
    expectTop(r, 'gateway-limits', /\(24: Too many open files\)/);
  });

  it('worker_connections too low: gateway-limits', async () => {
    const r = await broken(nginxWorkerConnections(web1), 'shop', 2);
    expectTop(r, 'gateway-limits', /worker_connections are not enough/);
  });
});

describe('honest when Medic could not look', () => {
  it('a firewall tool that hangs: not healthy, its check an error and a blind spot on the path', async () => {
    current = await commandHangs(web1);
    const r = await diagnose('shop');
    expect(r.status, why(r)).toBe('unknown');
    expect(r.exit).toBe(3);
    expect(r.checks.find((c) => c.host === 'web1' && c.check === 'firewall')?.status).toBe('error');
    expect(r.blindSpots).toContainEqual(
      expect.objectContaining({ host: 'web1', check: 'firewall', reason: 'timeout', onPath: true }),
    );
  });
});
