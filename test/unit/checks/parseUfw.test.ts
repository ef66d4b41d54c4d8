// Fixtures: real captures in a throwaway network namespace, see firewall.test.ts. Inline lines follow the
// exact format of those captures.
import { describe, expect, it } from 'vitest';
import { traceBaseChain } from '../../../src/core/checks/firewallTrace.js';
import { parseUfw } from '../../../src/core/checks/parseUfw.js';
import { fixture } from '../../support/checkKit.js';

const fx = (name: string) => fixture('firewall', name);

describe('parseUfw', () => {
  it('reads status, default policy and IPv4 incoming rules', () => {
    const u = parseUfw(fx('ufw-active.txt'));
    expect(u?.status).toBe('active');
    expect(u?.defaultIncoming).toBe('deny');
    expect(u?.chain.rules.map((r) => [r.verdict.kind, r.matches(5432), r.matches(9050)])).toEqual([
      ['accept', 'no', 'no'],
      ['drop', 'no', 'no'],
      ['reject', 'no', 'yes'],
      ['drop', 'maybe', 'no'],
      ['accept', 'no', 'no'],
    ]);
    expect(parseUfw(fx('ufw-inactive.txt'))).toEqual({
      status: 'inactive',
      chain: { name: 'ufw', rules: [] },
    });
    expect(parseUfw('ERROR: problem running iptables')).toBeNull();
  });

  it('knows common application profiles and treats unknown ones as allowing', () => {
    const text = [
      'Status: active',
      'Default: deny (incoming), allow (outgoing), disabled (routed)',
      '',
      'To                         Action      From',
      '--                         ------      ----',
      'Nginx Full                 ALLOW IN    Anywhere',
      'My App                     ALLOW IN    Anywhere                   # custom',
    ].join('\n');
    const u = parseUfw(text);
    const chains = new Map([['ufw', u?.chain ?? { name: 'ufw', rules: [] }]]);
    expect(traceBaseChain(chains, 'ufw', 'drop', 'policy', 443)).toBeNull();
    expect(traceBaseChain(chains, 'ufw', 'drop', 'policy', 8080)).toBeNull();
    expect(u?.chain.rules[1]?.text).toBe(
      'My App                     ALLOW IN    Anywhere                   # custom',
    );
  });
});
