import {
  type FwChain,
  type FwRule,
  type PortSet,
  parsePortList,
  portIn,
  type Tri,
  type Verdict,
} from './firewallTrace.js';

export interface UfwStatus {
  status: 'active' | 'inactive';
  /** Default incoming policy (`deny`, `reject`, `allow`), when the verbose header shows it. */
  defaultIncoming?: string;
  /** The verbatim `Default: …` line. */
  defaultLine?: string;
  /** The IPv4 incoming rules as one chain, in ufw's first-match order. */
  chain: FwChain;
}

/** Ports of application profiles shipped by common packages (ufw prints the profile name). */
const appProfiles: Record<string, string> = {
  'Nginx Full': '80,443',
  'Nginx HTTP': '80',
  'Nginx HTTPS': '443',
  Apache: '80',
  'Apache Full': '80,443',
  'Apache Secure': '443',
  OpenSSH: '22',
  WWW: '80',
  'WWW Full': '80,443',
  'WWW Secure': '443',
  'WWW Cache': '8080',
};

const ruleLine = /^(.*?)\s+(ALLOW|DENY|REJECT|LIMIT)(?:\s+(IN|OUT|FWD))?\s+(.*?)\s*$/;
const portSpec = /^([\d,:]+)(?:\/(\w+))?$/;
const verdicts: Record<string, Verdict> = {
  ALLOW: { kind: 'accept' },
  LIMIT: { kind: 'accept' },
  DENY: { kind: 'drop' },
  REJECT: { kind: 'reject' },
};

function ufwRule(line: string, to: string, action: string, from: string): FwRule {
  let restricted = from !== 'Anywhere';
  let dest = to;
  const on = / on \S+$/.exec(dest);
  if (on) {
    restricted = true;
    dest = dest.slice(0, on.index);
  }
  let ports: PortSet | 'all' | 'unknown' = 'all';
  let proto = '';
  const words = dest.split(' ');
  const last = words[words.length - 1] ?? '';
  const spec = portSpec.exec(last);
  const profile = appProfiles[dest];
  if (spec) {
    ports = parsePortList(spec[1] ?? '') ?? 'unknown';
    proto = spec[2] ?? '';
    if (words.length > 1) restricted = true;
  } else if (profile) ports = parsePortList(profile) ?? 'unknown';
  else if (dest !== 'Anywhere') {
    // An address without a port, or a profile we do not know.
    ports = words.length === 1 && /^[\d.:/a-f]+$/i.test(dest) ? 'all' : 'unknown';
    restricted = true;
  }
  const matches = (port: number): Tri => {
    if (proto && proto !== 'tcp') return 'no';
    if (ports === 'unknown') return 'maybe';
    if (ports !== 'all' && !portIn(ports, port)) return 'no';
    return restricted ? 'maybe' : 'yes';
  };
  return {
    text: line,
    verdict: verdicts[action] ?? { kind: 'none' },
    matches,
    namesPort: (port) =>
      ports === 'unknown' || (ports !== 'all' && portIn(ports, port) && matches(port) !== 'no'),
  };
}

/** Parse `ufw status [verbose]`. Returns null when there is no `Status:` line. */
export function parseUfw(text: string): UfwStatus | null {
  const lines = text.split('\n');
  const statusLine = lines.find((l) => /^Status: (active|inactive)\s*$/.test(l));
  if (!statusLine) return null;
  const status = statusLine.includes('inactive') ? 'inactive' : 'active';
  const out: UfwStatus = { status, chain: { name: 'ufw', rules: [] } };
  const def = lines.find((l) => l.startsWith('Default:'));
  if (def) {
    out.defaultLine = def.trim();
    const m = /(\w+) \(incoming\)/.exec(def);
    if (m?.[1]) out.defaultIncoming = m[1];
  }
  const header = lines.findIndex((l) => /^To\s+Action\s+From\s*$/.test(l));
  if (header < 0) return out;
  for (const raw of lines.slice(header + 2)) {
    const line = raw.trimEnd();
    const m = ruleLine.exec(line.replace(/\s+#.*$/, ''));
    if (!m) continue;
    const [, to = '', action = '', dir = 'IN', from = ''] = m;
    if (dir !== 'IN' || to.includes('(v6)') || from.includes('(v6)')) continue;
    out.chain.rules.push(ufwRule(line, to, action, from));
  }
  return out;
}
