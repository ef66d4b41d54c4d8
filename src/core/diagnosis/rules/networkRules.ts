import type { DiagnosedCause as Cause } from '../../model/cause.js';
import type { Finding } from '../../model/finding.js';
import { intents } from '../intents.js';
import { causeOf, clamp, evidenceOf, nginxErrors, num, ofKind, type Rule, str } from '../rule.js';

const portOfUrl = (url: string): number => {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
};

/** Firewall blocks, upstream timeouts, DNS failures and ports nobody listens on. */
export const networkRules: Rule = (ctx) => {
  const causes: Cause[] = [];
  const blockedPorts = new Set<number>();

  const sitePort = portOfUrl(ctx.site.url);
  for (const f of ofKind(ctx, 'firewall-block')) {
    const port = num(f, 'port') ?? 0;
    // The site's own port closed on a gateway is normal behind a load balancer; it matters
    // only when the site fails.
    if (port === sitePort && !ctx.siteFailing && !ctx.site.upstreams.some((u) => portOfUrl(u.url) === port))
      continue;
    blockedPorts.add(port);
    const symptoms: Finding[] = [
      ...nginxErrors(
        ctx,
        (e) =>
          num(e, 'upstreamPort') === port &&
          ['upstream-timeout', 'connect-failed'].includes(str(e, 'errorKind') ?? ''),
      ),
      ...ofKind(ctx, 'upstream-probe').filter(
        (p) => p.severity === 'critical' && portOfUrl(str(p, 'url') ?? 'http://x/') === port,
      ),
    ];
    const rule = str(f, 'rule') ?? '';
    causes.push({
      id: 'firewall-block',
      title: `a firewall rule on ${f.host} ${str(f, 'action') === 'reject' ? 'rejects' : 'drops'} traffic to port ${port}`,
      confidence: clamp(0.55 + (symptoms.length ? 0.3 : 0) + (ctx.siteFailing ? 0.1 : 0)),
      evidence: evidenceOf([f, ...symptoms]),
      hosts: [f.host],
      // A chain policy (-P INPUT DROP) is not one rule to delete: that fix is a human's.
      intents:
        str(f, 'tool') === 'iptables' && rule.startsWith('-A ')
          ? [intents.removeIptablesRule(f.host, rule, port)]
          : [],
    });
  }

  const timeouts = [
    ...nginxErrors(
      ctx,
      (e) => str(e, 'errorKind') === 'upstream-timeout' && !blockedPorts.has(num(e, 'upstreamPort') ?? -1),
    ),
    ...ofKind(ctx, 'upstream-probe').filter(
      (p) => str(p, 'error') === 'timeout' && !blockedPorts.has(portOfUrl(str(p, 'url') ?? 'http://x/')),
    ),
  ];
  if (timeouts.length > 0) {
    const connecting = timeouts.some((t) => str(t, 'phase') === 'connecting' || t.kind === 'upstream-probe');
    causes.push({
      id: 'upstream-timeout',
      title: connecting
        ? 'the upstream does not accept connections in time'
        : 'the upstream is too slow to answer',
      confidence: clamp(0.5 + (ctx.siteFailing ? 0.15 : 0)),
      evidence: evidenceOf(timeouts),
      hosts: [...new Set(timeouts.map((t) => t.host))],
      intents: [],
    });
  }

  for (const f of ofKind(ctx, 'dns-failure')) {
    causes.push(
      causeOf(
        f,
        'dns-failure',
        0.65 + (ctx.siteFailing ? 0.2 : 0),
        `${str(f, 'name')} does not resolve on ${f.host}`,
      ),
    );
  }

  // The upstream's port: nothing listens there, or only on an address the upstream URL does not use.
  for (const f of ofKind(ctx, 'port-not-listening')) {
    const port = num(f, 'port');
    const symptoms = [
      ...nginxErrors(ctx, (e) => num(e, 'errno') === 111 && num(e, 'upstreamPort') === port),
      ...ofKind(ctx, 'upstream-probe').filter(
        (p) => str(p, 'error') === 'refused' && portOfUrl(str(p, 'url') ?? 'http://x/') === port,
      ),
    ];
    if (symptoms.length === 0 && !ctx.siteFailing) continue;
    causes.push({
      id: 'upstream-down',
      title: `nothing listens on port ${port} on ${f.host}, where the upstream should be`,
      confidence: clamp(0.45 + (symptoms.length ? 0.25 : 0) + (ctx.siteFailing ? 0.1 : 0)),
      evidence: evidenceOf([f, ...symptoms], 6),
      hosts: [f.host],
      intents: [],
    });
  }
  for (const f of ofKind(ctx, 'port-wrong-address')) {
    causes.push(causeOf(f, 'upstream-port-mismatch', 0.5 + (ctx.siteFailing ? 0.3 : 0)));
  }
  return causes;
};
