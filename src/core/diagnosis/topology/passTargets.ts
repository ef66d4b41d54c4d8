import { parseUpstreamAddress } from '../../checks/parseNginxErrorLog.js';
import type { NginxServer, NginxTarget } from '../../model/facts/nginx.js';
import type { Finding } from '../../model/finding.js';
import type { PassTarget, TargetAddress } from '../../model/topology.js';

const schemes: Record<string, string> = {
  fastcgi_pass: 'fastcgi',
  uwsgi_pass: 'uwsgi',
  scgi_pass: 'scgi',
  grpc_pass: 'grpc',
};

/** The id a target is known by in the report and in gateway error lines. */
export function targetId(a: TargetAddress): string {
  if (a.kind === 'unix') return `unix:${a.path}`;
  if (a.kind === 'tcp') return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  return a.text;
}

function addressOf(t: NginxTarget): TargetAddress {
  if (t.unixSocket) return { kind: 'unix', path: t.unixSocket };
  if (t.host !== undefined && t.port !== undefined) return { kind: 'tcp', host: t.host, port: t.port };
  return { kind: 'dynamic', text: t.value ?? t.target };
}

function schemeOf(t: NginxTarget): string {
  if (t.directive === 'proxy_pass') return /^https:/i.test(t.value ?? t.target) ? 'https' : 'http';
  if (t.directive === 'grpc_pass') return /^grpcs:/i.test(t.value ?? t.target) ? 'grpcs' : 'grpc';
  return schemes[t.directive] ?? 'http';
}

/** The pass targets of the server blocks that serve the site, on one gateway. */
export function configTargets(
  gateway: string,
  servers: NginxServer[],
  targets: NginxTarget[],
  onProbePath: (t: NginxTarget) => boolean,
): PassTarget[] {
  const keys = new Set(servers.map((s) => JSON.stringify([s.names, s.listen])));
  return targets
    .filter((t) => keys.has(JSON.stringify([t.serverNames, t.listen])))
    .map((t) => {
      const address = addressOf(t);
      return {
        id: targetId(address),
        gateway,
        directive: t.directive,
        scheme: schemeOf(t),
        address,
        ...(t.upstream ? { group: t.upstream } : {}),
        ...(t.location !== undefined ? { location: t.location } : {}),
        onProbePath: onProbePath(t),
        source: 'config' as const,
      };
    });
}

/** Upstreams the site declares in medic.yaml, passed to from its first gateway. */
export function declaredTargets(gateway: string, upstreams: Array<{ url: string }>): PassTarget[] {
  return upstreams.flatMap((u) => {
    const url = new URL(u.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const address: TargetAddress = { kind: 'tcp', host, port };
    return [
      {
        id: targetId(address),
        gateway,
        directive: 'upstreams',
        scheme: url.protocol.replace(':', ''),
        address,
        onProbePath: true,
        source: 'declared' as const,
      },
    ];
  });
}

/** Targets only a gateway error line names (a socket or port the config no longer lists). */
export function loggedTargets(errors: Finding<'nginx-upstream-error'>[]): PassTarget[] {
  return errors.flatMap((e) => {
    const d = e.data;
    const address: TargetAddress | undefined = d.unixSocket
      ? { kind: 'unix', path: d.unixSocket }
      : d.upstreamHost && d.upstreamPort
        ? { kind: 'tcp', host: d.upstreamHost, port: d.upstreamPort }
        : undefined;
    if (!address) return [];
    const scheme = d.upstream ? (/^([a-z]+):\/\//.exec(d.upstream)?.[1] ?? 'http') : 'http';
    return [
      {
        id: targetId(address),
        gateway: e.host,
        directive: 'error log',
        scheme,
        address,
        onProbePath: true,
        source: 'log' as const,
      },
    ];
  });
}

/** The target address an error line names, as a target id (undefined for a group or nothing). */
export function errorTargetId(e: Finding<'nginx-upstream-error'>): string | undefined {
  const d = e.data;
  if (d.unixSocket) return `unix:${d.unixSocket}`;
  if (d.upstreamHost && d.upstreamPort)
    return targetId({ kind: 'tcp', host: d.upstreamHost, port: d.upstreamPort });
  if (d.upstream) {
    const p = parseUpstreamAddress(d.upstream);
    if (p.unixSocket) return `unix:${p.unixSocket}`;
    if (p.host && p.port) return targetId({ kind: 'tcp', host: p.host, port: p.port });
  }
  return undefined;
}
