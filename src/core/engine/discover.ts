import type { ServiceConfig, SiteConfig } from '../model/inventory.js';
import type { OwnerView, SiteTopology } from '../model/topology.js';

/** Error-log targets nginx can write that are not a file Medic can tail. */
const notAFile = /^(stderr|syslog:|memory:|\/dev\/)/;

const fpmVersion = (unit: string) => /^php(\d+(?:\.\d+)?)-fpm(?:\.service)?$/.exec(unit)?.[1];

/** The services an owner (or a candidate owner) of a target brings into the run. */
function servicesOf(o: OwnerView, socket: string | undefined): ServiceConfig[] {
  if (o.kind === 'unit') {
    const unit = o.unit.replace(/\.service$/, '');
    const v = fpmVersion(unit);
    return [
      { kind: 'systemd', unit, hosts: [o.host] },
      ...(v
        ? [
            {
              kind: 'php-fpm',
              unit,
              ...(socket ? { socket } : {}),
              log: `/var/log/php${v}-fpm.log`,
              hosts: [o.host],
            },
          ]
        : []),
    ];
  }
  if (o.kind === 'pm2')
    return [{ kind: 'pm2', user: o.user, ...(o.pid ? { pid: o.pid } : {}), hosts: [o.host] }];
  if (o.kind === 'container') {
    if (o.id) return [{ kind: 'docker', id: o.id, hosts: [o.host] }];
    if (o.port) return [{ kind: 'docker', publishedPort: o.port, hosts: [o.host] }];
  }
  return [];
}

/** Two services are the same when their kind, hosts and naming fields agree. */
function serviceKey(s: ServiceConfig): string {
  const { kind, hosts, ...rest } = s;
  const name = ['unit', 'app', 'container', 'id', 'publishedPort', 'label', 'errorLog', 'user', 'pid']
    .map((k) => String(rest[k] ?? ''))
    .join('|');
  const bare = kind === 'systemd' || kind === 'php-fpm' ? name.replace(/\.service\|/, '|') : name;
  return `${kind}|${bare}|${(hosts ?? []).join(',')}`;
}

/**
 * The site as the run knows it after the topology: the gateways found, and besides the services
 * and upstreams medic.yaml declares, those the chain reveals — the owners of the targets' listeners
 * (and of the sockets of the same service elsewhere), who should listen where nobody does, the
 * gateways' error logs, and the TCP targets to probe straight from the gateway.
 */
export function discoveredSite(site: SiteConfig, topology: SiteTopology): SiteConfig {
  const services: ServiceConfig[] = [];
  for (const g of topology.gateways) {
    for (const log of g.errorLogs)
      if (!notAFile.test(log)) services.push({ kind: 'nginx', errorLog: log, hosts: [g.host] });
  }
  const upstreams = [...site.upstreams];
  const path = new URL(site.url).pathname || '/';
  for (const l of topology.links) {
    const a = l.target.address;
    const socket = a.kind === 'unix' ? a.path : undefined;
    if (l.owner) services.push(...servicesOf(l.owner, socket));
    for (const c of l.candidates) services.push(...servicesOf(c, socket));
    if (l.listener.state === 'absent') {
      for (const alt of l.listener.alternatives) {
        const fpm = /php-fpm(\d+(?:\.\d+)?)/.exec(alt.process ?? '')?.[1];
        if (fpm)
          services.push(...servicesOf({ kind: 'unit', host: alt.host, unit: `php${fpm}-fpm` }, alt.address));
      }
    }
    if (
      a.kind === 'tcp' &&
      (l.target.scheme === 'http' || l.target.scheme === 'https') &&
      l.target.source !== 'declared'
    ) {
      const host = a.host.includes(':') ? `[${a.host}]` : a.host;
      const url = `${l.target.scheme}://${host}:${a.port}${path}`;
      if (!upstreams.some((u) => u.url === url))
        upstreams.push({ url, ...(l.ownerHost ? { host: l.ownerHost } : {}) });
    }
  }
  const known = new Set(site.services.map(serviceKey));
  const added: ServiceConfig[] = [];
  for (const s of services) {
    const k = serviceKey(s);
    if (known.has(k)) continue;
    known.add(k);
    added.push(s);
  }
  const gateways = topology.gateways.map((g) => g.host);
  return {
    ...site,
    ...(site.gateway === undefined && gateways.length > 0 ? { gateway: gateways } : {}),
    services: [...site.services, ...added],
    upstreams,
  };
}
