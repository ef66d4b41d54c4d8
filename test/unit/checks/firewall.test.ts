// Fixtures are real captures on Debian 12 (iptables 1.8.9 nf_tables, nftables 1.0.6, ufw 0.36.2), with the
// rules created in a throwaway network namespace (`ip netns add medic-fx-…`); ufw ran there too, with
// /etc/ufw bind-mounted to a copy. *.stderr.txt are real stderr of the tools run as `nobody`, without the
// tool on PATH, or through `sudo -n` without it.
import { describe, expect, it } from 'vitest';
import { firewall, firewallParams, urlPort, wantedPorts } from '../../../src/core/checks/firewall.js';
import { toShell } from '../../../src/core/command.js';
import { checkContext, dataOf, execResult, fixture } from '../../support/checkKit.js';

const fx = (name: string) => fixture('firewall', name);

const site = {
  url: 'https://shop.example/',
  aliases: [],
  hosts: ['gw', 'app'],
  gateway: ['gw'],
  upstreams: [
    { url: 'http://10.0.0.6:8080/', host: 'app' },
    { url: 'http://127.0.0.1:3000/', host: 'app' },
    { url: 'https://10.0.0.7/', host: 'other' },
  ],
  services: [],
  playbook: '502-triage',
  rollback: [],
};
const ctx = (host: string) => checkContext({ host, site });
const params = (ports: number[] = []) => firewallParams.parse({ ports });
const absentUfw = execResult('', { code: 127, stderr: fx('ufw-absent-sh.stderr.txt') });

describe('firewall steps and wanted ports', () => {
  it('runs the three tools privileged', () => {
    const steps = firewall.steps(params(), ctx('app'));
    expect(steps.map((s) => [s.id, toShell(s.command), s.privileged])).toEqual([
      ['ufw', 'ufw status verbose', true],
      ['iptables', 'iptables -S', true],
      ['nft', 'nft -j list ruleset', true],
    ]);
  });

  it('wants the upstream ports served here (not loopback ones) and the site port on the gateway', () => {
    expect(wantedPorts(params([22]), ctx('app'))).toEqual([22, 8080]);
    expect(wantedPorts(params(), ctx('gw'))).toEqual([443]);
    expect(wantedPorts(params(), ctx('other'))).toEqual([443]);
    expect(urlPort('http://a/')).toBe(80);
    expect(urlPort('ftp://a/')).toBeNull();
  });

  it('rejects bad params', () => {
    expect(firewallParams.safeParse({ ports: [0] }).success).toBe(false);
    expect(firewallParams.safeParse({ ports: ["8080'; rm -rf /"] }).success).toBe(false);
    expect(firewallParams.safeParse({ port: 1 }).success).toBe(false);
  });
});

describe('firewall parse', () => {
  it('dedupes one iptables-nft block seen by iptables -S and nft into one finding', () => {
    const out = firewall.parse(
      {
        ufw: absentUfw,
        iptables: execResult(fx('iptables-nft-backend.iptables.txt')),
        nft: execResult(fx('iptables-nft-backend.nft.json')),
      },
      params([22, 3000, 9150]),
      ctx('app'),
    );
    expect(out.map((f) => [f.kind, f.severity, dataOf(f).port])).toEqual([
      ['firewall-block', 'critical', 3000],
      ['firewall-block', 'critical', 8080],
      ['firewall-block', 'critical', 9150],
      ['tool-missing', 'info', undefined],
      ['firewall-summary', 'ok', undefined],
    ]);
    expect(out[1]?.data).toEqual({
      port: 8080,
      tool: 'iptables',
      rule: '-A INPUT -p tcp -m tcp --dport 8080 -j DROP',
      action: 'drop',
      tools: ['iptables', 'nft'],
    });
    expect(out[1]?.evidence).toEqual([
      '-A INPUT -p tcp -m tcp --dport 8080 -j DROP',
      'ip filter INPUT: tcp dport 8080 counter drop',
    ]);
    expect(out[1]?.summary).toBe('port 8080 is dropped by iptables (also seen in nft)');
    // Reached through `-A INPUT -j MEDIC-IN`.
    expect(out[0]?.data).toMatchObject({ action: 'reject', tools: ['iptables', 'nft'] });
    // multiport range 9100:9200; nft -j shows it only as an opaque xt match.
    expect(out[2]?.data).toMatchObject({ action: 'reject', tools: ['iptables'] });
    expect(out[2]?.evidence).toEqual([
      '-A INPUT -p tcp -m multiport --dports 9000,9100:9200 -j REJECT --reject-with tcp-reset',
    ]);
    expect(out[3]).toMatchObject({
      summary: 'ufw is not installed',
      evidence: ['/bin/sh: 1: ufw: not found'],
    });
    expect(out[4]?.data).toEqual({
      ufw: 'absent',
      iptablesRules: 8,
      nftRules: 8,
      wantedPorts: [22, 3000, 8080, 9150],
    });
  });

  it('reads native nft sets, ranges and named sets; ignores source-restricted drops', () => {
    const out = firewall.parse(
      {
        ufw: execResult('', { code: 1, stderr: fx('sudo-ufw-absent.stderr.txt') }),
        iptables: execResult(fx('nft-native.iptables.txt')),
        nft: execResult(fx('nft-native.json')),
      },
      params([22, 6001, 7000, 9443, 10050]),
      ctx('gw'),
    );
    const blocks = out.filter((f) => f.kind === 'firewall-block');
    expect(blocks.map((f) => [f.data.port, f.data.tool, f.data.action, f.evidence[0]])).toEqual([
      [6001, 'nft', 'drop', 'inet filter input: tcp dport @blocked_ports drop'],
      [9443, 'nft', 'reject', 'inet filter input: tcp dport { 9000, 9443 } reject with tcp reset'],
      [10050, 'nft', 'drop', 'inet filter input: tcp dport 10000-10100 counter drop'],
    ]);
    expect(out.at(-1)?.data).toEqual({
      ufw: 'absent',
      iptablesRules: 0,
      nftRules: 10,
      wantedPorts: [22, 443, 6001, 7000, 9443, 10050],
    });
  });

  it('attributes blocks to an active ufw, with its default policy for unlisted ports', () => {
    const out = firewall.parse(
      {
        ufw: execResult(fx('ufw-active.txt')),
        iptables: execResult(fx('ufw-active.iptables.txt')),
        nft: execResult(fx('ufw-active.nft.json')),
      },
      params([22, 443, 3000, 5432, 9050]),
      ctx('app'),
    );
    const blocks = out.filter((f) => f.kind === 'firewall-block');
    expect(blocks.map((f) => [f.data.port, f.data.tool, f.data.action])).toEqual([
      [3000, 'ufw', 'drop'],
      [5432, 'ufw', 'drop'],
      [8080, 'ufw', 'drop'],
      [9050, 'ufw', 'reject'],
    ]);
    expect(blocks[0]?.evidence).toEqual([
      'Default: deny (incoming), allow (outgoing), deny (routed)',
      '-P INPUT DROP',
      'ip filter INPUT: hook input policy drop',
    ]);
    expect(blocks[2]?.evidence).toEqual([
      '8080/tcp                   DENY IN     Anywhere',
      '-A ufw-user-input -p tcp -m tcp --dport 8080 -j DROP',
      'ip filter ufw-user-input: tcp dport 8080 counter drop',
    ]);
    expect(out.at(-1)?.data).toEqual({
      ufw: 'active',
      iptablesRules: 71,
      nftRules: 181,
      wantedPorts: [22, 443, 3000, 5432, 8080, 9050],
    });
  });

  it('counts a catch-all REJECT without port for every port not accepted before it', () => {
    const out = firewall.parse(
      {
        ufw: execResult(fx('ufw-inactive.txt')),
        iptables: execResult(fx('catch-all-reject.iptables.txt')),
        nft: execResult(fx('catch-all-reject.nft.json')),
      },
      params([22, 443, 8080]),
      ctx('other'),
    );
    expect(out.map((f) => [f.kind, dataOf(f).port])).toEqual([
      ['firewall-block', 8080],
      ['firewall-summary', undefined],
    ]);
    expect(out[0]?.data).toMatchObject({
      tool: 'iptables',
      rule: '-A INPUT -j REJECT --reject-with icmp-host-prohibited',
    });
    expect(out[1]?.summary).toBe(
      'ufw inactive, 6 iptables rules, 6 nft rules; ports 22, 443, 8080 (blocked: 8080)',
    );
  });

  it('uses an nft drop policy when iptables is unreadable', () => {
    const out = firewall.parse(
      {
        ufw: execResult(fx('ufw-inactive.txt')),
        iptables: execResult('', { code: 4, stderr: fx('iptables-permission-denied.stderr.txt') }),
        nft: execResult(fx('nft-policy-drop.json')),
      },
      params([22, 3000, 5432, 8050]),
      ctx('other'),
    );
    expect(out.map((f) => [f.kind, f.severity])).toEqual([
      ['firewall-block', 'critical'],
      ['firewall-unreadable', 'info'],
      ['firewall-summary', 'ok'],
    ]);
    expect(out[0]?.data).toMatchObject({
      port: 3000,
      tool: 'nft',
      rule: 'inet filter input: hook input policy drop',
    });
    expect(out[1]?.data).toEqual({ tool: 'iptables', reason: 'permission', exitCode: 4 });
    expect(out[1]?.evidence).toEqual([
      'iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)',
    ]);
  });

  it('tolerates every tool failing, and garbage output', () => {
    const out = firewall.parse(
      {
        ufw: execResult('', { code: 1, stderr: fx('sudo-password-required.stderr.txt') }),
        iptables: execResult('', { code: 1, stderr: fx('sudo-iptables-absent.stderr.txt') }),
        nft: execResult('', { code: 1, stderr: fx('nft-permission-denied.stderr.txt') }),
      },
      params([80]),
      ctx('app'),
    );
    expect(out.map((f) => [f.kind, f.severity, dataOf(f).tool, dataOf(f).reason])).toEqual([
      ['firewall-unreadable', 'info', 'ufw', 'permission'],
      ['tool-missing', 'info', 'iptables', undefined],
      ['firewall-unreadable', 'info', 'nft', 'permission'],
      ['firewall-summary', 'ok', undefined, undefined],
    ]);
    expect(out[3]?.data).toEqual({ ufw: 'unknown', iptablesRules: 0, nftRules: 0, wantedPorts: [80, 8080] });

    const garbage = firewall.parse(
      {
        ufw: execResult('<html>oops</html>\n'),
        iptables: execResult('hello\nworld\n'),
        nft: execResult('{"nope": 1}'),
      },
      params(),
      ctx('app'),
    );
    expect(garbage.map((f) => [f.kind, f.severity, dataOf(f).tool, f.evidence])).toEqual([
      ['unparseable', 'warn', 'ufw', ['<html>oops</html>']],
      ['unparseable', 'warn', 'iptables', ['hello', 'world']],
      ['unparseable', 'warn', 'nft', ['{"nope": 1}']],
      ['firewall-summary', 'ok', undefined, []],
    ]);
  });

  it('reports the ufw not-root error and a killed step', () => {
    const out = firewall.parse(
      {
        ufw: execResult('', { code: 1, stderr: fx('ufw-not-root.stderr.txt') }),
        iptables: { ...execResult('', { code: null }), timedOut: true },
        nft: execResult('', { code: 127, stderr: fx('nft-absent-bash.stderr.txt') }),
      },
      params(),
      ctx('app'),
    );
    expect(out.slice(0, 3).map((f) => [f.kind, f.summary, f.evidence])).toEqual([
      [
        'firewall-unreadable',
        'could not read ufw rules (permission denied)',
        ['ERROR: You need to be root to run this script'],
      ],
      ['firewall-unreadable', 'could not read iptables rules (timed out)', []],
      ['tool-missing', 'nft is not installed', ['/bin/bash: line 1: nft: command not found']],
    ]);
  });
});
