import type { BlindReason, BlindSpot } from '../model/blindSpot.js';
import type { Finding, FindingKind } from '../model/finding.js';
import type { CheckRun } from '../model/report.js';
import type { SiteTopology } from '../model/topology.js';

/** Kinds of finding that say a check could not look at something. */
export const blindKinds: ReadonlySet<FindingKind> = new Set<FindingKind>([
  'tool-missing',
  'unparseable',
  'check-error',
  'host-unreachable',
  'nginx-errorlog-missing',
  'nginx-errorlog-unreadable',
  'nginx-test-denied',
  'fpm-log-missing',
  'fpm-log-unreadable',
  'firewall-unreadable',
  'oom-unknown',
  'journal-unreadable',
]);

/** What each check looks at, as a person reads it. */
const looksAt: Record<string, string> = {
  'nginx-config': 'the nginx configuration',
  'nginx-errors': 'the nginx error log',
  'listening-sockets': 'the listening sockets',
  'service-units': 'the services of the host',
  'systemd-unit': 'the unit',
  'unit-journal': "the unit's journal",
  'php-fpm': 'php-fpm',
  'pm2-app': 'the pm2 app',
  'docker-container': 'the container',
  'upstream-probe': 'the upstreams, probed directly',
  firewall: 'the firewall',
  dns: 'name resolution',
  memory: 'memory',
  disk: 'disk space',
  'oom-kills': 'the kernel log (OOM kills)',
  connection: 'the host',
};

function reasonOf(f: Finding): BlindReason {
  if (f.kind === 'host-unreachable') return 'unreachable';
  if (f.kind === 'tool-missing') return 'missing-tool';
  if (f.kind === 'nginx-errorlog-missing' || f.kind === 'fpm-log-missing') return 'missing-source';
  if (f.kind === 'unparseable') return 'unparseable';
  if (f.kind === 'firewall-unreadable') {
    return f.data.reason === 'timeout' ? 'timeout' : f.data.reason === 'permission' ? 'permission' : 'error';
  }
  if (f.kind === 'check-error') {
    const code = f.data.code;
    if (/timeout/.test(code)) return 'timeout';
    if (/channel/.test(code)) return 'channel-refused';
    return 'error';
  }
  if (/unreadable|denied|unknown/.test(f.kind)) return 'permission';
  return 'error';
}

/** Checks that look at the request's path itself on a host the path crosses. */
const pathChecks = new Set([
  'nginx-config',
  'nginx-errors',
  'listening-sockets',
  'systemd-unit',
  'php-fpm',
  'pm2-app',
  'docker-container',
  'connection',
]);

/**
 * What the run could not see: every blind finding and every check that did not run, each with
 * its reason and whether it lies on the request's path (a gateway, or a host a target is on, for
 * the checks that follow the path there). A missing nginx on a host that is no gateway is no
 * blind spot: nothing passes through it.
 */
export function blindSpotsOf(
  findings: Finding[],
  checks: CheckRun[],
  topology: SiteTopology,
  declaredGateways: string[] = [],
): BlindSpot[] {
  const gateways = new Set(topology.gateways.map((g) => g.host));
  // A host without nginx is no gateway (unless medic.yaml says it is): its nginx checks saw nothing to see.
  const noNginx = new Set(
    findings
      .filter(
        (f) => f.kind === 'tool-missing' && f.data.tool === 'nginx' && !declaredGateways.includes(f.host),
      )
      .map((f) => f.host),
  );
  const nginxCheck = (check: string) => check === 'nginx-config' || check === 'nginx-errors';
  const owners = new Set(topology.links.flatMap((l) => (l.ownerHost ? [l.ownerHost] : [])));
  const remote = topology.links.some((l) => l.ownerHost && l.ownerHost !== l.target.gateway);
  const named = topology.links.some(
    (l) => l.target.address.kind === 'tcp' && !/^[\d.:]+$/.test(l.target.address.host),
  );
  const onPath = (check: string, host: string) =>
    (pathChecks.has(check) && (gateways.has(host) || owners.has(host) || gateways.size === 0)) ||
    // The gateway's firewall guards the site's own port; an owner's, the port a remote target uses.
    (check === 'firewall' && (gateways.has(host) || (remote && owners.has(host)))) ||
    (check === 'dns' && named && gateways.has(host));
  const out: BlindSpot[] = [];
  const seen = new Set<string>();
  const add = (b: BlindSpot) => {
    const key = `${b.host}|${b.check}|${b.what}|${b.reason}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(b);
  };
  for (const f of findings) {
    if (!blindKinds.has(f.kind)) continue;
    if (nginxCheck(f.check) && noNginx.has(f.host)) continue;
    const path = 'errorLog' in f.data ? f.data.errorLog : 'log' in f.data ? f.data.log : undefined;
    add({
      host: f.host,
      check: f.check,
      what: `${looksAt[f.check] ?? f.check}${typeof path === 'string' ? ` ${path}` : ''}`,
      reason: reasonOf(f),
      message: f.summary,
      onPath: onPath(f.check, f.host),
    });
  }
  const unreachable = new Set(findings.filter((f) => f.kind === 'host-unreachable').map((f) => f.host));
  for (const c of checks) {
    if (c.status !== 'error' && c.status !== 'skipped') continue;
    if (out.some((b) => b.host === c.host && b.check === c.check)) continue;
    if (unreachable.has(c.host) || c.error?.code === 'check.tool-missing') continue;
    if (nginxCheck(c.check) && noNginx.has(c.host)) continue;
    const code = c.error?.code ?? 'check.failed';
    add({
      host: c.host,
      check: c.check,
      what: looksAt[c.check] ?? c.check,
      reason: /timeout/.test(code) ? 'timeout' : /channel/.test(code) ? 'channel-refused' : 'error',
      message: c.error?.message ?? 'did not run',
      onPath: onPath(c.check, c.host),
    });
  }
  return out;
}
