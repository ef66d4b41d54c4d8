import { isKind } from '../../model/finding.js';
import type { PassTarget } from '../../model/topology.js';
import { isLoopback, type TopologyInput } from './topologyInput.js';

/** The addresses each host says it has (`ip -o addr`, from listening-sockets). */
export function hostAddresses(input: TopologyInput): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of input.findings) if (isKind(f, 'listening')) out.set(f.host, f.data.addresses);
  return out;
}

/** What the gateway resolves a name to (the dns check's `getent ahosts`). */
function resolved(input: TopologyInput, gateway: string, name: string): string[] {
  return input.findings.flatMap((f) =>
    isKind(f, 'dns-resolution') && f.host === gateway && f.data.name === name ? f.data.addresses : [],
  );
}

/**
 * The inventory host that owns a TCP target's address, and how Medic knows: loopback or one of
 * the gateway's own addresses is the gateway; else a host whose name, configured address or own
 * addresses match (directly or as the gateway resolves the name); else a declared upstream.
 */
export function ownerHostOf(
  target: PassTarget,
  input: TopologyInput,
  addresses: Map<string, string[]>,
): { host?: string; why: string } {
  const a = target.address;
  if (a.kind === 'unix') return { host: target.gateway, why: 'a unix socket on the gateway' };
  if (a.kind === 'dynamic') return { why: 'the address holds variables: known only per request' };
  const h = a.host.toLowerCase();
  if (isLoopback(h)) return { host: target.gateway, why: 'loopback' };
  if (h === target.gateway.toLowerCase()) return { host: target.gateway, why: 'the gateway itself' };
  if ((addresses.get(target.gateway) ?? []).includes(h))
    return { host: target.gateway, why: `${h} is the gateway's` };
  const ips = resolved(input, target.gateway, a.host);
  const mine = ips.find((ip) => (addresses.get(target.gateway) ?? []).includes(ip) || isLoopback(ip));
  if (mine) return { host: target.gateway, why: `${a.host} resolves to ${mine}, the gateway's` };
  for (const [name, cfg] of Object.entries(input.hosts)) {
    if (name === target.gateway) continue;
    const own = addresses.get(name) ?? [];
    if (name.toLowerCase() === h) return { host: name, why: `the inventory host ${name}` };
    if (cfg.address && cfg.address.toLowerCase() === h && !isLoopback(h))
      return { host: name, why: `the address of ${name}` };
    if (own.includes(h)) return { host: name, why: `${h} is ${name}'s` };
    const hit = ips.find((ip) => own.includes(ip));
    if (hit) return { host: name, why: `${a.host} resolves to ${hit}, ${name}'s` };
  }
  const declared = input.site.upstreams.find((u) => {
    try {
      const url = new URL(u.url);
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      return url.hostname.replace(/^\[|\]$/g, '').toLowerCase() === h && port === a.port && u.host;
    } catch {
      return false;
    }
  });
  if (declared?.host) return { host: declared.host, why: `declared in medic.yaml for ${declared.host}` };
  return { why: `${a.host} is not a host in medic.yaml` };
}
