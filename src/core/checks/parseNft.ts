import {
  type FwChain,
  type FwRule,
  type PortCond,
  type PortSet,
  portRule,
  type Tri,
  type Verdict,
} from './firewallTrace.js';

export interface NftBaseChain {
  /** Key of the chain in `chains`: `family table name`. */
  key: string;
  policy: 'accept' | 'drop' | undefined;
  prio: number;
  /** How the policy reads in evidence, e.g. `inet filter input: hook input policy drop`. */
  policyText: string;
}

export interface NftRuleset {
  chains: Map<string, FwChain>;
  /** Filter chains on the input hook of the ip and inet families (IPv4 traffic), by priority. */
  inputChains: NftBaseChain[];
  ruleCount: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** A match value flattened into atoms: numbers, strings and inclusive numeric ranges. */
type Atom = number | string | [number, number];

function atoms(v: unknown, sets: Map<string, unknown[]>, prefix: string, depth = 0): Atom[] | null {
  if (depth > 8) return null;
  if (typeof v === 'number') return [v];
  if (typeof v === 'string') {
    if (!v.startsWith('@')) return [v];
    const named = sets.get(`${prefix} ${v.slice(1)}`);
    return named ? atoms(named, sets, prefix, depth + 1) : null;
  }
  if (Array.isArray(v)) {
    const out: Atom[] = [];
    for (const x of v) {
      const a = atoms(x, sets, prefix, depth + 1);
      if (!a) return null;
      out.push(...a);
    }
    return out;
  }
  if (!isObj(v)) return null;
  if ('set' in v) return atoms(v.set, sets, prefix, depth + 1);
  if (isObj(v.elem)) return atoms(v.elem.val, sets, prefix, depth + 1);
  const r = v.range;
  if (Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number') return [[r[0], r[1]]];
  return null;
}

const l4Protocols = new Set([
  'tcp',
  'udp',
  'udplite',
  'sctp',
  'dccp',
  'icmp',
  'icmpv6',
  'ipv6-icmp',
  'esp',
  'ah',
]);

interface Classified {
  conds: Tri[];
  ports: PortCond[];
}

function classifyMatch(m: Obj, sets: Map<string, unknown[]>, prefix: string, c: Classified): void {
  const op = str(m.op) || '==';
  const negated = op === '!=';
  const left = isObj(m.left) ? m.left : {};
  const values = atoms(m.right, sets, prefix);
  const has = (x: string | number) => values?.some((a) => a === x) ?? false;
  const decide = (hit: boolean): Tri =>
    values === null || (op !== '==' && op !== 'in' && !negated) ? 'maybe' : hit !== negated ? 'yes' : 'no';
  const payload = isObj(left.payload) ? left.payload : null;
  const meta = isObj(left.meta) ? str(left.meta.key) : null;
  const ct = isObj(left.ct) ? str(left.ct.key) : null;
  if (payload) {
    const proto = str(payload.protocol);
    const field = str(payload.field);
    if ((proto === 'tcp' || proto === 'th') && field === 'dport') {
      const set: PortSet | null =
        values?.every((a) => typeof a !== 'string') && (op === '==' || op === 'in' || negated)
          ? values.map((a) =>
              typeof a === 'number' ? ([a, a] as [number, number]) : (a as [number, number]),
            )
          : null;
      if (set) c.ports.push({ set, negated });
      else c.conds.push('maybe');
    } else if (l4Protocols.has(proto) && proto !== 'tcp') c.conds.push('no');
    else if ((proto === 'ip' && field === 'protocol') || (proto === 'ip6' && field === 'nexthdr'))
      c.conds.push(decide(has('tcp') || has(6)));
    else c.conds.push('maybe');
  } else if (meta === 'l4proto') c.conds.push(decide(has('tcp') || has(6)));
  else if (meta === 'iif' || meta === 'iifname') c.conds.push(has('lo') ? (negated ? 'yes' : 'no') : 'maybe');
  else if (meta === 'nfproto') c.conds.push(decide(has('ipv4')));
  else if (ct === 'state') c.conds.push(negated ? 'maybe' : decide(has('new')));
  else c.conds.push('maybe');
}

/** Render a rule expression the way `nft list ruleset` roughly prints it. */
export function renderNftExpr(e: unknown): string {
  if (!isObj(e)) return JSON.stringify(e);
  const [key, val] = Object.entries(e)[0] ?? ['', null];
  const v = isObj(val) ? val : {};
  switch (key) {
    case 'match': {
      const op = str(v.op);
      return `${renderNftValue(v.left)} ${op === '==' || op === 'in' ? '' : `${op} `}${renderNftValue(v.right)}`;
    }
    case 'accept':
    case 'drop':
    case 'return':
    case 'continue':
    case 'counter':
    case 'log':
      return key;
    case 'reject':
      return v.type ? `reject with ${str(v.type)}` : 'reject';
    case 'jump':
    case 'goto':
      return `${key} ${str(v.target)}`;
    case 'xt':
      return `xt ${str(v.type)} ${str(v.name)}`;
    case 'limit':
      return `limit rate ${String(v.rate)}/${str(v.per)}`;
    default:
      return key;
  }
}

function renderNftValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  if (Array.isArray(v)) return v.map(renderNftValue).join(',');
  if (!isObj(v)) return JSON.stringify(v);
  if (isObj(v.payload)) return `${str(v.payload.protocol)} ${str(v.payload.field)}`;
  if (isObj(v.meta)) return `meta ${str(v.meta.key)}`;
  if (isObj(v.ct)) return `ct ${str(v.ct.key)}`;
  if (Array.isArray(v.set)) return `{ ${v.set.map(renderNftValue).join(', ')} }`;
  if (Array.isArray(v.range)) return v.range.map(renderNftValue).join('-');
  if (isObj(v.prefix)) return `${renderNftValue(v.prefix.addr)}/${String(v.prefix.len)}`;
  if (isObj(v.elem)) return renderNftValue(v.elem.val);
  return JSON.stringify(v);
}

/** iptables-nft keeps some targets as xtables compat expressions (REJECT notably). */
const xtTargets: Record<string, Verdict> = {
  ACCEPT: { kind: 'accept' },
  DROP: { kind: 'drop' },
  REJECT: { kind: 'reject' },
  RETURN: { kind: 'return' },
};

function buildRule(expr: unknown[], sets: Map<string, unknown[]>, prefix: string, text: string): FwRule {
  const c: Classified = { conds: [], ports: [] };
  let verdict: Verdict = { kind: 'none' };
  for (const e of expr) {
    if (!isObj(e)) continue;
    const [key, val] = Object.entries(e)[0] ?? ['', null];
    const v = isObj(val) ? val : {};
    if (key === 'match') classifyMatch(v, sets, prefix, c);
    else if (key === 'accept' || key === 'drop' || key === 'reject' || key === 'return')
      verdict = { kind: key };
    else if ((key === 'jump' || key === 'goto') && typeof v.target === 'string')
      verdict = { kind: key, chain: `${prefix} ${v.target}` };
    else if (key === 'xt' && v.type === 'target') verdict = xtTargets[str(v.name)] ?? verdict;
    else if (key === 'xt' && v.type === 'match') c.conds.push(v.name === 'comment' ? 'yes' : 'maybe');
    else if (!['counter', 'log', 'xt', 'continue', 'notrack', 'mangle', 'set'].includes(key))
      c.conds.push('maybe');
  }
  return portRule(text, verdict, c.conds, c.ports);
}

/** Parse `nft -j list ruleset`. Returns null when the text is not nftables JSON. */
export function parseNft(text: string): NftRuleset | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObj(doc) || !Array.isArray(doc.nftables)) return null;
  const items = doc.nftables.filter(isObj);
  const sets = new Map<string, unknown[]>();
  const chains = new Map<string, FwChain>();
  const inputChains: NftBaseChain[] = [];
  const keyOf = (o: Obj, name: unknown) => `${str(o.family)} ${str(o.table)} ${str(name)}`;
  for (const item of items) {
    if (isObj(item.set) && Array.isArray(item.set.elem))
      sets.set(keyOf(item.set, item.set.name), item.set.elem);
    if (!isObj(item.chain)) continue;
    const ch = item.chain;
    const key = keyOf(ch, ch.name);
    chains.set(key, { name: key, rules: [] });
    const fam = str(ch.family);
    if (ch.hook === 'input' && (ch.type ?? 'filter') === 'filter' && (fam === 'ip' || fam === 'inet')) {
      const policy = ch.policy === 'drop' ? 'drop' : ch.policy === 'accept' ? 'accept' : undefined;
      inputChains.push({
        key,
        policy,
        prio: typeof ch.prio === 'number' ? ch.prio : 0,
        policyText: `${key}: hook input policy ${policy ?? 'accept'}`,
      });
    }
  }
  let ruleCount = 0;
  for (const item of items) {
    if (!isObj(item.rule)) continue;
    const r = item.rule;
    ruleCount++;
    const key = keyOf(r, r.chain);
    const prefix = `${str(r.family)} ${str(r.table)}`;
    const expr = Array.isArray(r.expr) ? r.expr : [];
    const text = `${key}: ${expr.map(renderNftExpr).join(' ')}`;
    chains.get(key)?.rules.push(buildRule(expr, sets, prefix, text));
  }
  inputChains.sort((a, b) => a.prio - b.prio);
  return { chains, inputChains, ruleCount };
}
