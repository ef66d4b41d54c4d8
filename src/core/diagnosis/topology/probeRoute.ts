import type { NginxLocation, NginxServer } from '../../model/facts/nginx.js';

type Match = { kind: 'exact' | 'prefix' | 'stop-prefix' | 'regex' | 'named'; text: string; flags: string };

function parseMatch(match: string): Match {
  const m = /^(=|\^~|~\*|~)?\s*(.*)$/.exec(match.trim());
  const op = m?.[1] ?? '';
  const text = m?.[2] ?? '';
  if (text.startsWith('@')) return { kind: 'named', text, flags: '' };
  if (op === '=') return { kind: 'exact', text, flags: '' };
  if (op === '^~') return { kind: 'stop-prefix', text, flags: '' };
  if (op === '~' || op === '~*') return { kind: 'regex', text, flags: op === '~*' ? 'i' : '' };
  return { kind: 'prefix', text, flags: '' };
}

function regexMatches(m: Match, uri: string): boolean {
  try {
    return new RegExp(m.text, m.flags).test(uri);
  } catch {
    return false;
  }
}

/** The location nginx picks for a URI: exact, then the longest prefix (`^~` stops), then regexes in order. */
export function pickLocation(locations: NginxLocation[], uri: string): NginxLocation | undefined {
  const parsed = locations.map((l) => ({ l, m: parseMatch(l.match) }));
  const exact = parsed.find((x) => x.m.kind === 'exact' && x.m.text === uri);
  if (exact) return exact.l;
  const prefixes = parsed
    .filter((x) => (x.m.kind === 'prefix' || x.m.kind === 'stop-prefix') && uri.startsWith(x.m.text))
    .sort((a, b) => b.m.text.length - a.m.text.length);
  const longest = prefixes[0];
  if (longest?.m.kind === 'stop-prefix') return longest.l;
  const regex = parsed.find((x) => x.m.kind === 'regex' && regexMatches(x.m, uri));
  return regex?.l ?? longest?.l;
}

/**
 * The locations a request for `uri` goes through in a server block: the one nginx picks, then
 * the internal redirects it may make (`try_files … /index.php?…`, `@named`, an `index` file for
 * a URI ending in `/`), at most three deep. Which file exists decides at run time: every
 * plausible hop is returned.
 */
export function probeRoute(server: NginxServer, uri: string): NginxLocation[] {
  const route: NginxLocation[] = [];
  const visit = (u: string, depth: number) => {
    if (depth > 3) return;
    const loc = u.startsWith('@')
      ? server.locations.find((l) => l.match.trim() === u)
      : pickLocation(server.locations, u);
    if (!loc || route.includes(loc)) return;
    route.push(loc);
    const nested = u.startsWith('@') ? undefined : pickLocation(loc.locations, u);
    if (nested && !route.includes(nested)) route.push(nested);
    if (loc.passes.length > 0 || nested?.passes.length) return;
    const last = loc.tryFiles?.[loc.tryFiles.length - 1];
    if (last && (last.startsWith('/') || last.startsWith('@'))) visit(last.replace(/[?$].*$/, ''), depth + 1);
    if (u.endsWith('/'))
      for (const file of server.index) if (!file.includes('$')) visit(`${u}${file}`, depth + 1);
  };
  visit(uri, 0);
  return route;
}
