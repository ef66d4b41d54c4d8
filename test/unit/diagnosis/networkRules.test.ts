import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/core/diagnosis/diagnose.js';
import type { Finding } from '../../../src/core/model/finding.js';
import { siteSchema } from '../../../src/core/model/inventory.js';
import { proposalsOf } from '../../support/checkKit.js';

const site = siteSchema.parse({
  url: 'http://shop.example.com/',
  hosts: ['web1', 'web2'],
  gateway: ['web1'],
  upstreams: [{ url: 'http://web2:8080/', host: 'web2' }],
});
const block = (host: string, port: number, rule: string): Finding => <Finding>(<unknown>{
    check: 'firewall',
    host,
    kind: 'firewall-block',
    severity: 'critical',
    summary: `port ${port} blocked`,
    evidence: [rule],
    data: { port, tool: 'iptables', rule, action: 'drop', tools: ['iptables'] },
  });
const probe = (status: number): Finding => <Finding>(<unknown>{
    check: 'http-probe',
    host: 'medic',
    kind: 'site-probe',
    severity: status >= 500 ? 'critical' : 'ok',
    summary: String(status),
    evidence: [`GET -> ${status}`],
    data: { status },
  });
const run = (findings: Finding[], failing: boolean) =>
  diagnose({
    siteName: 'shop',
    site,
    findings: [probe(failing ? 502 : 200), ...findings],
    siteFailing: failing,
    topology: { gateways: [], links: [] },
  });

describe('network rules', () => {
  it('two blocked ports on one host stay two causes', () => {
    const d = run(
      [
        block('web2', 8080, '-A INPUT -p tcp -m tcp --dport 8080 -j DROP'),
        block('web2', 9090, '-A INPUT -p tcp -m tcp --dport 9090 -j DROP'),
      ],
      true,
    );
    expect(d.causes.filter((c) => c.id === 'firewall-block').map((c) => c.title)).toEqual([
      'a firewall rule on web2 drops traffic to port 8080',
      'a firewall rule on web2 drops traffic to port 9090',
    ]);
  });

  it("the site's own port closed on the gateway matters only when the site fails (load balancers)", () => {
    const closed = block('web1', 80, '-A INPUT -p tcp -m tcp --dport 80 -j DROP');
    const healthy = run([closed], false);
    expect(healthy.status).toBe('healthy');
    expect(healthy.causes.map((c) => c.id)).toEqual(['no-fault-found']);
    expect(run([closed], true).causes[0]?.id).toBe('firewall-block');
  });

  it('undoes exactly the rule, comments and all; a chain policy gets no automatic fix', () => {
    const rule = '-A INPUT -p tcp -m tcp --dport 8080 -m comment --comment "block api" -j DROP';
    const d = run([block('web2', 8080, rule)], true);
    expect(proposalsOf(d)[0]?.params.rule).toEqual([
      '-A',
      'INPUT',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '8080',
      '-m',
      'comment',
      '--comment',
      'block api',
      '-j',
      'DROP',
    ]);
    expect(proposalsOf(d)[0]?.preview).toEqual([
      "iptables -D INPUT -p tcp -m tcp --dport 8080 -m comment --comment 'block api' -j DROP",
    ]);
    const policy = run([block('web2', 8080, '-P INPUT DROP')], true);
    expect(policy.causes[0]?.id).toBe('firewall-block');
    expect(proposalsOf(policy)).toEqual([]);
  });

  it('an unrelated cause does not hide "nginx cannot connect"', () => {
    const refused = <Finding>{
      check: 'nginx-errors',
      host: 'web1',
      kind: 'nginx-upstream-error',
      severity: 'critical',
      summary: 'refused',
      evidence: ['connect() failed (111: Connection refused) while connecting to upstream'],
      data: {
        errorKind: 'connect-failed',
        errno: 111,
        upstream: 'http://web2:8080',
        server: 'shop.example.com',
        upstreamPort: 8080,
      },
    };
    const memory = <Finding>{
      check: 'memory',
      host: 'web2',
      kind: 'memory',
      severity: 'critical',
      summary: 'low',
      evidence: ['MemAvailable: 1 kB'],
      data: { availablePercent: 1 },
    };
    const ids = run([refused, memory], true).causes.map((c) => c.id);
    expect(ids).toContain('memory-exhausted');
    expect(ids).toContain('upstream-down');
  });
});
