// Fixtures: real captures in a throwaway network namespace, see firewall.test.ts. Inline lines follow the
// exact format of those captures.
import { describe, expect, it } from 'vitest';
import { parseNft } from '../../../src/core/checks/parseNft.js';
import { fixture } from '../../support/checkKit.js';

const fx = (name: string) => fixture('firewall', name);

describe('parseNft', () => {
  it('keeps only ip/inet input filter chains as entry points', () => {
    const r = parseNft(fx('ufw-active.nft.json'));
    expect(r?.inputChains).toEqual([
      {
        key: 'ip filter INPUT',
        policy: 'drop',
        prio: 0,
        policyText: 'ip filter INPUT: hook input policy drop',
      },
    ]);
    expect(r?.ruleCount).toBe(181);
    expect(parseNft('not json')).toBeNull();
    expect(parseNft('{"other": []}')).toBeNull();
  });

  it('matches sets, ranges, named sets and != ports', () => {
    const r = parseNft(fx('nft-native.json'));
    const rules = r?.chains.get('inet filter input')?.rules ?? [];
    expect(rules.map((x) => x.text)).toEqual([
      'inet filter input: meta iif lo accept',
      'inet filter input: ct state established,related accept',
      'inet filter input: tcp dport 22 accept',
      'inet filter input: tcp dport 8080 drop',
      'inet filter input: tcp dport { 9000, 9443 } reject with tcp reset',
      'inet filter input: tcp dport 10000-10100 counter drop',
      'inet filter input: tcp dport @blocked_ports drop',
      'inet filter input: ip saddr 192.0.2.0/24 drop',
      'inet filter input: tcp dport != 7000 accept',
    ]);
    expect(rules.map((x) => x.matches(6000))).toEqual([
      'no',
      'no',
      'no',
      'no',
      'no',
      'no',
      'yes',
      'maybe',
      'yes',
    ]);
    expect(rules.map((x) => x.matches(7000))).toEqual([
      'no',
      'no',
      'no',
      'no',
      'no',
      'no',
      'no',
      'maybe',
      'no',
    ]);
  });
});
