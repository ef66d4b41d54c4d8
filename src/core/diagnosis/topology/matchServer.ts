import type { NginxServer } from '../../model/facts/nginx.js';

/**
 * How nginx picks the server block for a Host (its documented order): an exact name, the
 * longest wildcard starting with `*` (or `.example.com`), the longest ending with `*`, the
 * first matching regular expression, then the default server.
 */
function score(names: string[], host: string): number {
  let best = 0;
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === host) return 4_000;
    if (name.startsWith('~')) {
      try {
        if (new RegExp(name.slice(1).replace(/\(\?<(\w+)>/g, '(?<$1>'), 'i').test(host))
          best = Math.max(best, 1_000);
      } catch {
        // an nginx regex JavaScript cannot read: no match
      }
      continue;
    }
    const suffix = name.startsWith('*.') ? name.slice(1) : name.startsWith('.') ? name : undefined;
    if (suffix && (host.endsWith(suffix) || `.${host}` === suffix))
      best = Math.max(best, 3_000 + suffix.length);
    if (name.endsWith('.*') && host.startsWith(name.slice(0, -1))) best = Math.max(best, 2_000 + name.length);
  }
  return best;
}

/** The port a `listen` value names (`80`, `127.0.0.1:8080`, `[::]:443 ssl`), 80 when it names none. */
export function listenPort(listen: string): number {
  const m = /(?:^|:)(\d+)$/.exec(listen.trim());
  return m?.[1] ? Number(m[1]) : /^unix:/.test(listen) ? 0 : 80;
}

/**
 * The server blocks that serve requests for `names` (the site's Host and aliases): the best name
 * match; without one, the default server of the site's port (or any default server), else the
 * first block, as nginx does for a Host it does not know.
 */
export function matchServers(servers: NginxServer[], names: string[], port: number): NginxServer[] {
  const hosts = names.map((n) => n.toLowerCase().replace(/:\d+$/, ''));
  const scored = servers.map((s) => ({ s, score: Math.max(0, ...hosts.map((h) => score(s.names, h))) }));
  const top = Math.max(0, ...scored.map((x) => x.score));
  if (top > 0) return scored.filter((x) => x.score === top).map((x) => x.s);
  const defaults = servers.filter((s) => s.defaultServer);
  const onPort = defaults.filter((s) => s.listen.some((l) => listenPort(l) === port));
  const pick = onPort[0] ?? defaults[0] ?? servers[0];
  return pick ? [pick] : [];
}
