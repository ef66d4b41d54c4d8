/**
 * A tool-neutral model of an input firewall and a conservative walk of it for one TCP port.
 * Parsers (iptables -S, nft -j, ufw status) build it; the firewall check asks it "is a new TCP
 * connection to port P from some other host dropped?".
 */

/** Whether a rule's conditions match a new TCP connection to a port: surely, surely not, or it depends. */
export type Tri = 'yes' | 'no' | 'maybe';

export type Verdict =
  | { kind: 'accept' | 'drop' | 'reject' | 'return' | 'none' }
  | { kind: 'jump' | 'goto'; chain: string };

export interface FwRule {
  /** The rule as a human reads it (the verbatim line where the tool prints one). */
  text: string;
  verdict: Verdict;
  /** Does the rule match a new TCP connection to `port` from a remote host? */
  matches(port: number): Tri;
  /** True when the rule names destination ports and `port` is among them. */
  namesPort(port: number): boolean;
}

export interface FwChain {
  name: string;
  rules: FwRule[];
}

export interface Block {
  action: 'drop' | 'reject';
  /** The rule (or policy line) that drops the port. */
  rule: string;
}

type Outcome = { kind: 'accept' } | { kind: 'end' } | { kind: 'drop' | 'reject'; rule: string };

const maxDepth = 32;

/**
 * Walk `chain` for `port`. Only rules that surely match on a surely-entered path count as a
 * block; an ACCEPT that names the port (even with a source restriction) or surely matches ends
 * the walk as accepted; a RETURN that may match returns. Unknown conditions never yield a block.
 */
export function walkChain(
  chains: ReadonlyMap<string, FwChain>,
  chain: string,
  port: number,
  certain = true,
  seen: readonly string[] = [],
): Outcome {
  const c = chains.get(chain);
  if (!c || seen.includes(chain) || seen.length >= maxDepth) return { kind: 'end' };
  const path = [...seen, chain];
  for (const rule of c.rules) {
    const m = rule.matches(port);
    if (m === 'no') continue;
    const v = rule.verdict;
    switch (v.kind) {
      case 'none':
        continue;
      case 'drop':
      case 'reject':
        if (certain && m === 'yes') return { kind: v.kind, rule: rule.text };
        continue;
      case 'accept':
        if (m === 'yes' || rule.namesPort(port)) return { kind: 'accept' };
        continue;
      case 'return':
        return { kind: 'end' };
      case 'jump':
      case 'goto': {
        const sub = walkChain(chains, v.chain, port, certain && m === 'yes', path);
        if (sub.kind !== 'end') return sub;
        // A sure goto does not come back here: the calling chain ends with it.
        if (v.kind === 'goto' && m === 'yes') return { kind: 'end' };
        continue;
      }
    }
  }
  return { kind: 'end' };
}

/** Walk a base chain and apply its policy when nothing decided. */
export function traceBaseChain(
  chains: ReadonlyMap<string, FwChain>,
  base: string,
  policy: 'accept' | 'drop' | 'reject' | undefined,
  policyText: string,
  port: number,
): Block | null {
  const out = walkChain(chains, base, port);
  if (out.kind === 'drop' || out.kind === 'reject') return { action: out.kind, rule: out.rule };
  if (out.kind === 'end' && (policy === 'drop' || policy === 'reject'))
    return { action: policy, rule: policyText };
  return null;
}

/** Port sets: single ports and inclusive ranges. */
export type PortSet = Array<[number, number]>;

export const portIn = (set: PortSet, port: number) => set.some(([lo, hi]) => port >= lo && port <= hi);

/** Parse `80`, `9000:9100`, `9000-9100` or comma lists of them; null when not a port spec. */
export function parsePortList(text: string): PortSet | null {
  const out: PortSet = [];
  for (const part of text.split(',')) {
    const m = /^(\d{1,5})(?:[:-](\d{1,5}))?$/.exec(part.trim());
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    out.push([lo, hi]);
  }
  return out.length > 0 ? out : null;
}

/** Combine condition results: any `no` wins, then any `maybe`. */
export function all(results: Tri[]): Tri {
  if (results.includes('no')) return 'no';
  return results.includes('maybe') ? 'maybe' : 'yes';
}

/** A destination-port condition: the port is in `set` (or, negated, is not). */
export interface PortCond {
  set: PortSet;
  negated: boolean;
}

/** A rule that matches when all of `conds` and all port conditions hold (iptables and nft rules). */
export function portRule(text: string, verdict: Verdict, conds: Tri[], ports: PortCond[]): FwRule {
  return {
    text,
    verdict,
    matches: (port) =>
      all([...conds, ...ports.map((p) => (portIn(p.set, port) !== p.negated ? 'yes' : 'no'))]),
    namesPort: (port) => ports.some((p) => !p.negated && portIn(p.set, port)),
  };
}
