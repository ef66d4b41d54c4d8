// Fixtures: real captures in a throwaway network namespace, see firewall.test.ts. Inline lines follow the
// exact format of those captures.
import { describe, expect, it } from 'vitest';
import { parsePortList } from '../../../src/core/checks/firewallTrace.js';
import { parseIptables, splitIptablesWords } from '../../../src/core/checks/parseIptables.js';
import { fixture } from '../../support/checkKit.js';

const fx = (name: string) => fixture('firewall', name);

describe('parseIptables', () => {
  it('splits quoted comments as iptables-save prints them', () => {
    expect(splitIptablesWords('-A INPUT -m comment --comment "https from \\"anywhere\\"" -j ACCEPT')).toEqual(
      ['-A', 'INPUT', '-m', 'comment', '--comment', 'https from "anywhere"', '-j', 'ACCEPT'],
    );
  });

  it('reads policies, user chains and rules', () => {
    const r = parseIptables(fx('iptables-nft-backend.iptables.txt'));
    expect(r?.policies.get('INPUT')).toBe('ACCEPT');
    expect(r?.ruleCount).toBe(8);
    expect([...(r?.chains.keys() ?? [])]).toEqual(['INPUT', 'FORWARD', 'OUTPUT', 'MEDIC-IN']);
    const rules = r?.chains.get('INPUT')?.rules ?? [];
    expect(rules.map((x) => x.verdict)).toEqual([
      { kind: 'accept' },
      { kind: 'accept' },
      { kind: 'drop' },
      { kind: 'reject' },
      { kind: 'jump', chain: 'MEDIC-IN' },
    ]);
    expect(rules.map((x) => x.matches(9150))).toEqual(['no', 'no', 'no', 'yes', 'yes']);
    expect(rules.map((x) => x.matches(9050))).toEqual(['no', 'no', 'no', 'no', 'yes']);
  });

  it('classifies conntrack, addrtype, negation and source restrictions', () => {
    const r = parseIptables(
      [
        '-P INPUT DROP',
        '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A INPUT -m addrtype --dst-type LOCAL -j RETURN',
        '-A INPUT -s 203.0.113.0/24 -p tcp -m tcp --dport 5432 -j DROP',
        '-A INPUT -p tcp -m tcp ! --dport 22 -j DROP',
        '-A INPUT -p udp -m udp --dport 53 -j DROP',
      ].join('\n'),
    );
    const rules = r?.chains.get('INPUT')?.rules ?? [];
    expect(rules.map((x) => x.matches(5432))).toEqual(['no', 'yes', 'maybe', 'yes', 'no']);
    expect(rules.map((x) => x.matches(22))).toEqual(['no', 'yes', 'no', 'no', 'no']);
    expect(parseIptables('nothing here')).toBeNull();
  });
});

describe('parsePortList', () => {
  it('parses ports, ranges and lists', () => {
    expect(parsePortList('80')).toEqual([[80, 80]]);
    expect(parsePortList('9000,9100:9200')).toEqual([
      [9000, 9000],
      [9100, 9200],
    ]);
    expect(parsePortList('http')).toBeNull();
  });
});
