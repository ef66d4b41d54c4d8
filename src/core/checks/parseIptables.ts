import {
  all,
  type FwChain,
  type PortCond,
  type PortSet,
  parsePortList,
  portRule,
  type Tri,
  type Verdict,
} from './firewallTrace.js';

export interface IptablesRuleset {
  /** Built-in chain policies, e.g. INPUT → DROP. */
  policies: Map<string, string>;
  chains: Map<string, FwChain>;
  /** Number of `-A` lines. */
  ruleCount: number;
}

/** Split an `iptables -S` line into words; double quotes group (as iptables-save prints comments). */
export function splitIptablesWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? '';
    if (quoted) {
      if (ch === '\\' && i + 1 < line.length) cur += line[++i];
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') {
      quoted = true;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

const tcpProtocols = new Set(['tcp', '6', 'all', '0']);

/** Classify the match part of one `-A CHAIN …` rule (words after the chain name). */
function classify(
  words: string[],
  userChains: Set<string>,
): { base: Tri; ports: PortCond[]; verdict: Verdict } {
  const conds: Tri[] = [];
  const ports: PortCond[] = [];
  let verdict: Verdict = { kind: 'none' };
  let neg = false;
  const maybeUnlessParsed = (set: PortSet | null, negated: boolean) => {
    if (set) ports.push({ set, negated });
    else conds.push('maybe');
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    const next = () => words[++i] ?? '';
    if (w === '!') {
      neg = true;
      continue;
    }
    const negated = neg;
    neg = false;
    switch (w) {
      case '-p':
      case '--protocol': {
        const isTcp = tcpProtocols.has(next().toLowerCase());
        conds.push(isTcp !== negated ? 'yes' : 'no');
        break;
      }
      case '-i':
      case '--in-interface': {
        const lo = next() === 'lo';
        conds.push(lo ? (negated ? 'yes' : 'no') : 'maybe');
        break;
      }
      case '-o':
      case '--out-interface':
      case '-m':
      case '--match':
      case '--comment':
        next();
        break;
      case '--dport':
      case '--destination-port':
      case '--dports':
      case '--destination-ports':
      case '--ports':
        maybeUnlessParsed(parsePortList(next()), negated);
        break;
      case '--ctstate':
      case '--state': {
        const hasNew = next().toUpperCase().split(',').includes('NEW');
        conds.push(negated ? 'maybe' : hasNew ? 'yes' : 'no');
        break;
      }
      case '--dst-type': {
        const local = next().toUpperCase() === 'LOCAL';
        conds.push(local ? (negated ? 'no' : 'yes') : negated ? 'maybe' : 'no');
        break;
      }
      case '--syn':
        conds.push(negated ? 'no' : 'yes');
        break;
      case '-j':
      case '--jump':
      case '-g':
      case '--goto': {
        const target = next();
        const goto = w === '-g' || w === '--goto';
        verdict = targetVerdict(target, userChains, goto);
        // Target options follow the target; they are not match conditions.
        i = words.length;
        break;
      }
      default:
        // -s/-d, --sport, -m limit/recent/set/mark … options: depends on things we cannot know here.
        conds.push('maybe');
        while (i + 1 < words.length && !(words[i + 1] ?? '').startsWith('-') && words[i + 1] !== '!') i++;
    }
  }
  return { base: all(conds), ports, verdict };
}

function targetVerdict(target: string, userChains: Set<string>, goto: boolean): Verdict {
  switch (target) {
    case 'ACCEPT':
      return { kind: 'accept' };
    case 'DROP':
      return { kind: 'drop' };
    case 'REJECT':
      return { kind: 'reject' };
    case 'RETURN':
      return { kind: 'return' };
    default:
      return userChains.has(target) ? { kind: goto ? 'goto' : 'jump', chain: target } : { kind: 'none' };
  }
}

/** Parse `iptables -S` output. Returns null when the text holds no `-P`/`-N`/`-A` line. */
export function parseIptables(text: string): IptablesRuleset | null {
  const lines = text.split('\n').map((l) => l.trim());
  const policies = new Map<string, string>();
  const chains = new Map<string, FwChain>();
  const userChains = new Set<string>();
  const chain = (name: string): FwChain => {
    let c = chains.get(name);
    if (!c) {
      c = { name, rules: [] };
      chains.set(name, c);
    }
    return c;
  };
  let recognised = 0;
  let ruleCount = 0;
  for (const line of lines) {
    const words = splitIptablesWords(line);
    if (words[0] === '-N' && words[1]) userChains.add(words[1]);
  }
  for (const line of lines) {
    const words = splitIptablesWords(line);
    const [op, name] = words;
    if (!name) continue;
    if (op === '-P' && words[2]) {
      policies.set(name, words[2]);
      chain(name);
      recognised++;
    } else if (op === '-N') {
      chain(name);
      recognised++;
    } else if (op === '-A') {
      recognised++;
      ruleCount++;
      const { base, ports, verdict } = classify(words.slice(2), userChains);
      chain(name).rules.push(portRule(line, verdict, [base], ports));
    }
  }
  return recognised > 0 ? { policies, chains, ruleCount } : null;
}
