import { type Finding, isKind } from '../model/finding.js';
import type { TargetLink } from '../model/topology.js';
import type { DiagnosisContext } from './rule.js';
import { siteErrors } from './siteErrors.js';
import { errorTargetId } from './topology/passTargets.js';

/** What went wrong on the way to one target: the gateway's error lines and failed direct probes. */
export interface LinkSymptoms {
  errors: Finding<'nginx-upstream-error'>[];
  probes: Finding<'upstream-probe'>[];
}

export interface Attribution {
  of(link: TargetLink): LinkSymptoms;
  /** The site's gateway error lines no target claims (gateway-wide limits, resolver, …). */
  unattributed: Finding<'nginx-upstream-error'>[];
}

const portOfUrl = (url: string) => {
  try {
    const u = new URL(url);
    return {
      host: u.hostname.replace(/^\[|\]$/g, '').toLowerCase(),
      port: u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80,
    };
  } catch {
    return undefined;
  }
};

/**
 * Put every symptom on the target it names: an error line by the address it logs (nginx logs a
 * name's resolved address, so the owner's addresses and what the gateway resolved count too) or
 * by the upstream group it names; a direct probe by the address it probed.
 */
export function attributeSymptoms(ctx: DiagnosisContext): Attribution {
  const errors = siteErrors(ctx.site, ctx.siteName, ctx.findings);
  const addresses = new Map<string, string[]>();
  for (const f of ctx.findings) if (isKind(f, 'listening')) addresses.set(f.host, f.data.addresses);
  const resolved = (gateway: string, name: string) =>
    ctx.findings.flatMap((f) =>
      isKind(f, 'dns-resolution') && f.host === gateway && f.data.name === name ? f.data.addresses : [],
    );
  const aliases = (l: TargetLink): Set<string> => {
    const a = l.target.address;
    if (a.kind !== 'tcp') return new Set();
    return new Set([
      a.host.toLowerCase(),
      ...resolved(l.target.gateway, a.host),
      ...(l.ownerHost ? (addresses.get(l.ownerHost) ?? []) : []),
    ]);
  };
  const claims = (l: TargetLink, e: Finding<'nginx-upstream-error'>) => {
    if (e.host !== l.target.gateway) return false;
    if (errorTargetId(e) === l.target.id) return true;
    const a = l.target.address;
    if (
      a.kind === 'tcp' &&
      e.data.upstreamPort === a.port &&
      e.data.upstreamHost &&
      aliases(l).has(e.data.upstreamHost.toLowerCase())
    )
      return true;
    // `no live upstreams` and friends name the group: `http://api_backend`.
    const group = l.target.group;
    return (
      group !== undefined &&
      e.data.upstream !== null &&
      new RegExp(`^[a-z]+://${group}(?:$|/)`).test(e.data.upstream)
    );
  };
  const claimed = new Set<Finding>();
  const cache = new Map<TargetLink, LinkSymptoms>();
  const of = (l: TargetLink): LinkSymptoms => {
    const hit = cache.get(l);
    if (hit) return hit;
    const mine = errors.filter((e) => claims(l, e));
    for (const e of mine) claimed.add(e);
    const a = l.target.address;
    const probes = ctx.findings.filter((f): f is Finding<'upstream-probe'> => {
      if (
        !isKind(f, 'upstream-probe') ||
        f.severity === 'ok' ||
        f.host !== l.target.gateway ||
        a.kind !== 'tcp'
      )
        return false;
      const p = portOfUrl(f.data.url);
      return p !== undefined && p.port === a.port && aliases(l).has(p.host);
    });
    const s = { errors: mine, probes };
    cache.set(l, s);
    return s;
  };
  for (const l of ctx.topology.links) of(l);
  return { of, unattributed: errors.filter((e) => !claimed.has(e)) };
}
