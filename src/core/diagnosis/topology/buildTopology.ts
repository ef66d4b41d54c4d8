import type { NginxServer } from '../../model/facts/nginx.js';
import { type Finding, isKind } from '../../model/finding.js';
import type { GatewayView, PassTarget, SiteTopology, TargetLink } from '../../model/topology.js';
import { siteErrors } from '../siteErrors.js';
import { followTarget, type HostFacts } from './followTarget.js';
import { matchServers } from './matchServer.js';
import { hostAddresses, ownerHostOf } from './ownerHost.js';
import { configTargets, declaredTargets, loggedTargets } from './passTargets.js';
import { probeRoute } from './probeRoute.js';
import { siteHostNames, type TopologyInput } from './topologyInput.js';

const portOf = (url: URL) => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

function hostFacts(findings: Finding[]): Map<string, HostFacts> {
  const out = new Map<string, HostFacts>();
  const get = (h: string) => {
    let v = out.get(h);
    if (!v) {
      v = { suspects: [] };
      out.set(h, v);
    }
    return v;
  };
  for (const f of findings) {
    if (isKind(f, 'listening')) get(f.host).listening = f.data;
    if (isKind(f, 'unit-list')) get(f.host).suspects = f.data.suspects;
    if (isKind(f, 'oom-kill') && f.data.unit) {
      const h = get(f.host);
      h.killedUnits = [...new Set([...(h.killedUnits ?? []), f.data.unit])];
    }
  }
  return out;
}

/** The gateways whose config serves the site, with the matching server blocks. */
export function siteGateways(
  input: TopologyInput,
): Array<{ view: GatewayView; servers: NginxServer[]; fact: Finding<'nginx-upstreams'> }> {
  const allowed = input.site.gateway;
  const names = siteHostNames(input.site, input.siteName);
  const port = portOf(new URL(input.site.url));
  const out = [];
  for (const f of input.findings) {
    if (!isKind(f, 'nginx-upstreams') || (allowed && !allowed.includes(f.host))) continue;
    const servers = matchServers(f.data.servers, names, port);
    if (servers.length === 0) continue;
    const first = servers[0] as NginxServer;
    out.push({
      view: {
        host: f.host,
        serverNames: first.names,
        listen: first.listen,
        at: first.at,
        errorLogs: [...new Set(servers.flatMap((s) => s.errorLogs))],
      },
      servers,
      fact: f,
    });
  }
  return out;
}

/**
 * The site's topology: for each gateway that serves it, the pass targets of its server block
 * (and those medic.yaml declares, and those only an error line names), each followed to the
 * listener, process and owner on the host that owns its address.
 */
export function buildTopology(input: TopologyInput): SiteTopology {
  const gateways = siteGateways(input);
  const facts = hostFacts(input.findings);
  const addresses = hostAddresses(input);
  const uri = new URL(input.site.url).pathname || '/';
  const targets: PassTarget[] = [];
  const seen = new Set<string>();
  const add = (t: PassTarget) => {
    const key = `${t.gateway}|${t.id}`;
    if (seen.has(key)) {
      // The same address from another location: on the probe path if either is.
      const prev = targets.find((x) => `${x.gateway}|${x.id}` === key);
      if (prev && t.onProbePath) prev.onProbePath = true;
      return;
    }
    seen.add(key);
    targets.push(t);
  };
  for (const g of gateways) {
    const route = new Set(g.servers.flatMap((s) => probeRoute(s, uri)).map((l) => l.match));
    const onPath = (t: { location?: string }) => t.location === undefined || route.has(t.location);
    for (const t of configTargets(g.view.host, g.servers, g.fact.data.targets, onPath)) add(t);
  }
  const first = gateways[0]?.view.host ?? (input.site.gateway ?? input.site.hosts)[0];
  if (first) for (const t of declaredTargets(first, input.site.upstreams)) add(t);
  const follow = (t: PassTarget) => {
    const owner = ownerHostOf(t, input, addresses);
    return followTarget(t, owner, owner.host ? facts.get(owner.host) : undefined);
  };
  const links: TargetLink[] = targets.map(follow);
  // nginx logs a name's resolved address: a logged address that is a known target's is that target.
  for (const t of loggedTargets(siteErrors(input.site, input.siteName, input.findings))) {
    if (seen.has(`${t.gateway}|${t.id}`)) continue;
    const link = follow(t);
    const same = links.some(
      (l) =>
        l.target.gateway === t.gateway &&
        l.ownerHost !== undefined &&
        l.ownerHost === link.ownerHost &&
        l.target.address.kind === 'tcp' &&
        t.address.kind === 'tcp' &&
        l.target.address.port === t.address.port,
    );
    if (same) continue;
    add(t);
    links.push(link);
  }
  addUnclaimedListeners(links, facts);
  return { gateways: gateways.map((g) => g.view), links };
}

/** Processes that listen on every server and are never the backend a gateway passes to. */
const plumbing =
  /^(sshd|nginx|systemd|systemd-\w+|dbus-daemon|chronyd|ntpd|rpcbind|exim4|master|sendmail|cupsd|avahi-daemon|containerd|dockerd)\b/;

/**
 * For a TCP target nobody listens on and nobody is known to serve: the application listeners of
 * that host no target uses (a backend started on another port than the one nginx names).
 */
function addUnclaimedListeners(links: TargetLink[], facts: Map<string, HostFacts>) {
  const used = new Set(
    links.flatMap((l) =>
      l.target.address.kind === 'tcp' && l.ownerHost ? [`${l.ownerHost}|${l.target.address.port}`] : [],
    ),
  );
  for (const link of links) {
    const hop = link.listener;
    if (
      hop.state !== 'absent' ||
      hop.alternatives.length > 0 ||
      link.target.address.kind !== 'tcp' ||
      !link.ownerHost
    )
      continue;
    const host = link.ownerHost;
    const tcp = facts.get(host)?.listening?.tcp ?? [];
    for (const t of tcp) {
      if (
        used.has(`${host}|${t.port}`) ||
        plumbing.test(t.process ?? '') ||
        !t.owner ||
        t.owner.kind === 'unknown'
      )
        continue;
      if (t.port === 22 || t.port === 80 || t.port === 443) continue;
      const address = `${t.address.includes(':') ? `[${t.address}]` : t.address}:${t.port}`;
      if (hop.alternatives.some((a) => a.address === address)) continue;
      hop.alternatives.push({
        host,
        address,
        ...(t.pid !== undefined ? { pid: t.pid } : {}),
        ...(t.process ? { process: t.process } : {}),
        line: t.line ?? address,
      });
    }
    hop.alternatives.splice(3);
  }
}
