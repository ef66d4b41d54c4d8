/**
 * Reports as plain data for the renderers' golden tests: one per verdict. Their causes, chains,
 * blind spots and basis are what the diagnosis made of the verbatim captures in test/fixtures
 * (nginx-config/fleet*.dump, listening-sockets/fleet*, nginx-errors/kinds-*), copied here so the
 * renderers are tested without a fleet; the probe lines and check timings are typical values.
 */
import type { Finding } from '../../src/core/model/finding.js';
import type { CheckRun, Report } from '../../src/core/model/report.js';

const url = 'http://127.0.0.1:32768/';

function probe(statuses: number[]): Finding<'site-probe'> {
  const failing = statuses.filter((s) => s >= 500);
  const status = failing[0] ?? statuses[0] ?? 200;
  return {
    check: 'http-probe',
    host: 'medic',
    kind: 'site-probe',
    severity: failing.length * 2 >= statuses.length ? 'critical' : failing.length ? 'warn' : 'ok',
    summary: `site answers ${status}`,
    evidence: [`GET ${url} -> ${status} (server: nginx/1.22.1) in 3 ms`],
    data: {
      url,
      status,
      durationMs: 3,
      server: 'nginx/1.22.1',
      error: null,
      samples: statuses.map((s) => ({ status: s, durationMs: 3, error: null, ok: s < 500 })),
      failed: failing.length,
    },
  };
}

/** The per-check table of a 502-triage run: gateway web1 and any backends, `bad` overriding statuses. */
const gatewayChecks = [
  'disk',
  'listening-sockets',
  'memory',
  'nginx-config',
  'nginx-errors',
  'php-fpm',
  'systemd-unit',
];
const backendChecks = ['disk', 'listening-sockets', 'memory'];

function checks(bad: Record<string, Partial<CheckRun>> = {}, backends: string[] = []): CheckRun[] {
  const rows: CheckRun[] = [{ check: 'http-probe', host: 'medic', status: 'ok', durationMs: 41 }];
  const table: Array<[string, string[]]> = [
    ['web1', gatewayChecks],
    ...backends.map((b): [string, string[]] => [b, backendChecks]),
  ];
  for (const [host, names] of table)
    names.forEach((check, i) => {
      rows.push({ check, host, status: 'ok', durationMs: 90 + 7 * i, ...bad[`${host}/${check}`] });
    });
  if (bad['medic/http-probe']) Object.assign(rows[0] as CheckRun, bad['medic/http-probe']);
  return rows;
}

const gateway = (host: string, name: string[], at: string) => ({
  host,
  serverNames: name,
  listen: ['80'],
  at,
  errorLogs: ['/var/log/nginx/error.log'],
});
const shopGateway = gateway(
  'web1',
  ['shop.example.com', 'www.shop.example.com'],
  '/etc/nginx/sites-enabled/shop.conf:2',
);

function base(
  id: string,
  site: string,
): Pick<Report, 'id' | 'site' | 'playbook' | 'startedAt' | 'durationMs'> {
  return { id, site, playbook: '502-triage', startedAt: '2026-12-02T15:53:40.000Z', durationMs: 1240 };
}

/** shop answers 5 of 5 probes; its path to php8.2-fpm is whole. */
export function healthyReport(): Report {
  const p = probe([200, 200, 200, 200, 200]);
  return {
    ...base('r-healthy', 'shop'),
    status: 'healthy',
    headline: 'shop is healthy',
    hosts: ['web1'],
    causes: [
      {
        id: 'no-fault-found',
        title: 'no fault found',
        confidence: 0.9,
        evidence: p.evidence,
        hosts: [],
        actions: [],
      },
    ],
    findings: [p],
    actions: [],
    checks: checks(),
    topology: {
      gateways: [shopGateway],
      chains: [
        {
          target: 'unix:/run/php/php8.2-fpm.sock',
          location: '= /fpm-status',
          onProbePath: true,
          hops: [
            { kind: 'site', label: 'shop.example.com', state: 'ok' },
            { kind: 'gateway', label: 'nginx@web1', state: 'ok' },
            { kind: 'target', label: 'unix:/run/php/php8.2-fpm.sock', state: 'ok' },
            { kind: 'listener', label: 'php-fpm8.2 on /run/php/php8.2-fpm.sock@web1', state: 'ok' },
            { kind: 'process', label: 'pid 37 (root)', state: 'ok' },
            { kind: 'unit', label: 'php8.2-fpm.service@web1', state: 'ok' },
          ],
        },
      ],
    },
    blindSpots: [],
    basis: { probes: 5, failedProbes: 0, recentGatewayErrors: 0, recentSeconds: 20 },
  };
}

const php81Line =
  '2026/12/02 15:53:25 [crit] 19041#19041: *1 connect() to unix:/run/php/php8.1-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 127.0.0.1, server: shop.example.com, request: "GET /old/index.php HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.1-fpm.sock:", host: "shop.example.com"';
const ssLine =
  'u_str LISTEN 0      4096                     /run/php/php8.2-fpm.sock 286880 * 0 users:(("php-fpm8.2",pid=289,fd=10),("php-fpm8.2",pid=288,fd=10),("php-fpm8.2",pid=287,fd=8))';

/** After a PHP upgrade: nginx still passes to php8.1's socket, php-fpm 8.2 listens on its own. */
export function php81Report(): Report {
  const title =
    'nginx passes to unix:/run/php/php8.1-fpm.sock, where nothing listens; php-fpm8.2 listens on /run/php/php8.2-fpm.sock';
  const action = {
    id: 'edit-config:web1:fastcgi_pass:unix:/run/php/php8.1-fpm.sock',
    kind: 'edit-config',
    title: 'Point fastcgi_pass at unix:/run/php/php8.2-fpm.sock on web1, then nginx -t and reload',
    host: 'web1',
    target: 'nginx',
    risk: 'config' as const,
    params: {},
    preview: ['fastcgi_pass unix:/run/php/php8.2-fpm.sock;', 'nginx -t', 'systemctl reload -- nginx.service'],
    manual: true,
  };
  return {
    ...base('r-php81', 'shop'),
    status: 'down',
    headline: `shop is down: ${title} (proxy-misconfig, 93%)`,
    hosts: ['web1'],
    causes: [
      {
        id: 'proxy-misconfig',
        title,
        confidence: 0.93,
        evidence: [php81Line, 'web1: nothing listens on unix:/run/php/php8.1-fpm.sock', ssLine],
        hosts: ['web1'],
        actions: [action],
      },
    ],
    findings: [probe([502, 502, 502, 502, 502])],
    actions: [action],
    checks: checks({
      'medic/http-probe': { status: 'critical' },
      'web1/nginx-errors': { status: 'critical' },
      'web1/php-fpm': { status: 'critical' },
    }),
    topology: {
      gateways: [shopGateway],
      chains: [
        {
          target: 'unix:/run/php/php8.1-fpm.sock',
          location: '= /fpm-status',
          onProbePath: true,
          hops: [
            { kind: 'site', label: 'shop.example.com', state: 'ok' },
            { kind: 'gateway', label: 'nginx@web1', state: 'ok' },
            { kind: 'target', label: 'unix:/run/php/php8.1-fpm.sock', state: 'ok' },
            {
              kind: 'missing',
              label: 'nothing listens',
              state: 'broken',
              note: 'php-fpm8.2 listens on /run/php/php8.2-fpm.sock',
            },
            {
              kind: 'unit',
              label: 'php8.1-fpm.service@web1',
              state: 'broken',
              note: 'its socket path names php8.1-fpm.service',
            },
          ],
        },
      ],
    },
    blindSpots: [],
    basis: { probes: 5, failedProbes: 5, recentGatewayErrors: 1, recentSeconds: 20 },
  };
}

/** api answers, but web2's sockets and web1's error log timed out, and web2 refused a channel. */
export function unknownReport(): Report {
  const onPath = 'the listening sockets on web2 (timeout), the nginx error log on web1 (timeout)';
  const sockets = 'listening-sockets on web2 could not run: timed out (tcp, unix, ps, cgroups, addr)';
  const log = 'nginx-errors on web1 could not run: timed out (now, tail)';
  const channel = 'web2 refused a command channel: (SSH) Channel open failure: open failed';
  return {
    ...base('r-unknown', 'api'),
    status: 'unknown',
    headline: `api answers, but Medic could not see 2 part(s) of its path: Medic could not see ${onPath}`,
    hosts: ['web1', 'web2'],
    causes: [
      {
        id: 'blind-spot',
        title: `Medic could not see ${onPath}`,
        confidence: 0.3,
        evidence: [`web2: ${sockets}`, `web1: ${log}`],
        hosts: ['web2', 'web1'],
        actions: [],
      },
    ],
    findings: [probe([200, 200, 200, 200, 200])],
    actions: [],
    checks: checks(
      {
        'web2/listening-sockets': {
          status: 'error',
          durationMs: 10012,
          error: { code: 'check.timeout', message: 'timed out (tcp, unix, ps, cgroups, addr)' },
        },
        'web1/nginx-errors': {
          status: 'error',
          durationMs: 10008,
          error: { code: 'check.timeout', message: 'timed out (now, tail)' },
        },
        'web2/memory': {
          status: 'error',
          durationMs: 40,
          error: { code: 'transport.channel', message: channel },
        },
      },
      ['web2'],
    ),
    topology: {
      gateways: [gateway('web1', ['api.example.com'], '/etc/nginx/sites-enabled/api.conf:5')],
      chains: [
        {
          target: 'web2:8080',
          location: '/',
          onProbePath: true,
          hops: [
            { kind: 'site', label: 'api.example.com', state: 'ok' },
            { kind: 'gateway', label: 'nginx@web1', state: 'ok' },
            { kind: 'target', label: 'web2:8080', state: 'ok' },
            {
              kind: 'listener',
              label: 'listener unknown',
              state: 'unknown',
              note: 'the listening sockets of web2 could not be read',
            },
          ],
        },
      ],
    },
    blindSpots: [
      {
        host: 'web2',
        check: 'listening-sockets',
        what: 'the listening sockets',
        reason: 'timeout',
        message: sockets,
        onPath: true,
      },
      {
        host: 'web1',
        check: 'nginx-errors',
        what: 'the nginx error log',
        reason: 'timeout',
        message: log,
        onPath: true,
      },
      {
        host: 'web2',
        check: 'memory',
        what: 'memory',
        reason: 'channel-refused',
        message: `memory on web2 could not run: ${channel}`,
        onPath: false,
      },
    ],
    basis: { probes: 5, failedProbes: 0, recentGatewayErrors: 0, recentSeconds: 20 },
  };
}

const eagain = (n: number, i: number) =>
  `2026/12/02 15:55:18 [error] 25134#25134: *${n} connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream, client: 127.0.0.1, server: shop.example.com, request: "GET /slow.php?i=${i} HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "shop.example.com"`;

/** shop fails 1 probe in 5: every php-fpm worker is busy. */
export function degradedReport(): Report {
  const title =
    'the backend behind unix:/run/php/php8.2-fpm.sock is saturated: every worker is busy (php8.2-fpm.service on web1)';
  const action = {
    id: 'restart-unit:web1:php8.2-fpm.service',
    kind: 'restart-unit',
    title: 'Restart php8.2-fpm.service on web1',
    host: 'web1',
    target: 'php8.2-fpm.service',
    risk: 'restart' as const,
    params: { unit: 'php8.2-fpm.service' },
    preview: [
      'systemctl reset-failed -- php8.2-fpm.service',
      'systemctl restart -- php8.2-fpm.service',
      'systemctl is-active -- php8.2-fpm.service',
    ],
  };
  const healthy = healthyReport();
  const chain = healthy.topology.chains[0];
  if (!chain) throw new Error('the healthy sample has a chain');
  return {
    ...base('r-degraded', 'shop'),
    status: 'degraded',
    headline: `shop is degraded (1 of 5 probes failed, 20%): ${title} (upstream-saturated, 93%)`,
    hosts: ['web1'],
    causes: [
      {
        id: 'upstream-saturated',
        title,
        confidence: 0.93,
        evidence: [eagain(21, 5), eagain(23, 6)],
        hosts: ['web1'],
        actions: [action],
      },
    ],
    findings: [probe([200, 200, 502, 200, 200])],
    actions: [action],
    checks: checks({ 'medic/http-probe': { status: 'warn' }, 'web1/nginx-errors': { status: 'critical' } }),
    topology: {
      gateways: healthy.topology.gateways,
      chains: [
        {
          ...chain,
          hops: chain.hops.map((h) =>
            h.kind === 'process' ? { ...h, state: 'broken' as const, note: title } : h,
          ),
        },
      ],
    },
    blindSpots: [],
    basis: { probes: 5, failedProbes: 1, recentGatewayErrors: 2, recentSeconds: 20 },
  };
}
