import { z } from 'zod';
import { argv } from '../command.js';
import type { Finding } from '../model/finding.js';
import type { ExecResult } from '../ports.js';
import { type CheckContext, finder, type HostCheck, stepOutput } from './check.js';
import { type Block, traceBaseChain } from './firewallTrace.js';
import { parseIptables } from './parseIptables.js';
import { parseNft } from './parseNft.js';
import { parseUfw } from './parseUfw.js';

export const firewallParams = z
  .object({
    /** Extra TCP ports that must be reachable on this host. */
    ports: z.array(z.number().int().min(1).max(65535)).default([]),
  })
  .strict();
export type FirewallParams = z.infer<typeof firewallParams>;

type Tool = 'ufw' | 'iptables' | 'nft';
const tools: readonly Tool[] = ['ufw', 'iptables', 'nft'];

/** The port of a URL, defaulted by scheme; null for schemes without a default or bad URLs. */
export function urlPort(url: string): number | null {
  try {
    const u = new URL(url);
    if (u.port) return Number(u.port);
    return u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : null;
  } catch {
    return null;
  }
}

const isLoopback = (url: string) => {
  try {
    const h = new URL(url).hostname;
    return h === 'localhost' || h === '[::1]' || /^127\./.test(h);
  } catch {
    return false;
  }
};

/**
 * Ports remote peers must reach on this host: the params, the upstreams served here (loopback
 * URLs excepted: that traffic never crosses the input filter from outside) and, on the gateway,
 * the site's own port.
 */
export function wantedPorts(p: FirewallParams, ctx: CheckContext): number[] {
  const ports = new Set(p.ports);
  for (const u of ctx.site.upstreams) {
    const port = urlPort(u.url);
    if (u.host === ctx.host && port !== null && !isLoopback(u.url)) ports.add(port);
  }
  if ((ctx.site.gateway ?? ctx.site.hosts).includes(ctx.host)) {
    const port = urlPort(ctx.site.url);
    if (port !== null) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}

type ToolState<T> =
  | { state: 'ok'; value: T }
  | { state: 'absent'; evidence: string[] }
  | {
      state: 'unreadable';
      reason: 'permission' | 'timeout' | 'error';
      exitCode: number | null;
      evidence: string[];
    }
  | { state: 'unparseable'; evidence: string[] };

const firstLines = (text: string, n = 3) =>
  text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(0, n);

const denied =
  /permission denied|operation not permitted|must be root|need to be root|password is required|a terminal is required|not allowed to execute/i;

/** Interpret one step's result; absent and unreadable tools are tolerated one by one. */
export function readTool<T>(out: ExecResult, tool: Tool, parse: (text: string) => T | null): ToolState<T> {
  const evidence = firstLines(out.stderr || out.stdout);
  if (out.code === 127 || new RegExp(`\\b${tool}: (?:command )?not found`).test(out.stderr)) {
    return { state: 'absent', evidence };
  }
  if (out.timedOut || out.code === null)
    return { state: 'unreadable', reason: 'timeout', exitCode: out.code, evidence };
  if (out.code !== 0) {
    const reason = denied.test(`${out.stderr}\n${out.stdout}`) ? 'permission' : 'error';
    return { state: 'unreadable', reason, exitCode: out.code, evidence };
  }
  const value = parse(out.stdout);
  return value === null
    ? { state: 'unparseable', evidence: firstLines(out.stdout, 5) }
    : { state: 'ok', value };
}

export const firewall: HostCheck<FirewallParams> = {
  scope: 'host',
  id: 'firewall',
  title: 'Firewall rules for the ports the site needs',
  params: firewallParams,
  steps: () => [
    { id: 'ufw', command: argv('ufw', 'status', 'verbose'), privileged: true },
    { id: 'iptables', command: argv('iptables', '-S'), privileged: true },
    { id: 'nft', command: argv('nft', '-j', 'list', 'ruleset'), privileged: true },
  ],
  parse(outputs, p, ctx): Finding[] {
    const f = finder('firewall', ctx.host);
    const wanted = wantedPorts(p, ctx);
    const ufw = readTool(stepOutput(outputs, 'ufw'), 'ufw', parseUfw);
    const ipt = readTool(stepOutput(outputs, 'iptables'), 'iptables', parseIptables);
    const nft = readTool(stepOutput(outputs, 'nft'), 'nft', parseNft);

    const blockOf = (tool: Tool, port: number): Block | null => {
      if (tool === 'ufw' && ufw.state === 'ok' && ufw.value.status === 'active') {
        const u = ufw.value;
        const policy =
          u.defaultIncoming === 'deny' ? 'drop' : u.defaultIncoming === 'reject' ? 'reject' : undefined;
        const chains = new Map([[u.chain.name, u.chain]]);
        return traceBaseChain(chains, u.chain.name, policy, u.defaultLine ?? '', port);
      }
      if (tool === 'iptables' && ipt.state === 'ok') {
        const policy = ipt.value.policies.get('INPUT');
        const action = policy === 'DROP' ? 'drop' : policy === 'REJECT' ? 'reject' : undefined;
        return traceBaseChain(ipt.value.chains, 'INPUT', action, `-P INPUT ${policy ?? ''}`, port);
      }
      if (tool === 'nft' && nft.state === 'ok') {
        for (const base of nft.value.inputChains) {
          const b = traceBaseChain(nft.value.chains, base.key, base.policy, base.policyText, port);
          if (b) return b;
        }
      }
      return null;
    };

    const findings: Finding[] = [];
    const blocked: number[] = [];
    for (const port of wanted) {
      const hits = tools.flatMap((tool) => {
        const b = blockOf(tool, port);
        return b ? [{ tool, ...b }] : [];
      });
      const first = hits[0];
      if (!first) continue;
      blocked.push(port);
      const others = hits.slice(1).map((h) => h.tool);
      const verb = first.action === 'drop' ? 'dropped' : 'rejected';
      findings.push(
        f(
          'firewall-block',
          'critical',
          `port ${port} is ${verb} by ${first.tool}${others.length ? ` (also seen in ${others.join(', ')})` : ''}`,
          [...new Set(hits.map((h) => h.rule))],
          { port, tool: first.tool, rule: first.rule, action: first.action, tools: hits.map((h) => h.tool) },
        ),
      );
    }

    for (const [tool, s] of [
      ['ufw', ufw],
      ['iptables', ipt],
      ['nft', nft],
    ] as const) {
      if (s.state === 'absent') {
        findings.push(f('tool-missing', 'info', `${tool} is not installed`, s.evidence, { tool }));
      } else if (s.state === 'unreadable') {
        const why =
          s.reason === 'permission' ? 'permission denied' : s.reason === 'timeout' ? 'timed out' : 'failed';
        findings.push(
          f('firewall-unreadable', 'info', `could not read ${tool} rules (${why})`, s.evidence, {
            tool,
            reason: s.reason,
            exitCode: s.exitCode,
          }),
        );
      } else if (s.state === 'unparseable') {
        findings.push(f('unparseable', 'warn', `${tool} output was not understood`, s.evidence, { tool }));
      }
    }

    const ufwState =
      ufw.state === 'ok'
        ? ufw.value.status
        : ufw.state === 'absent'
          ? ('absent' as const)
          : ('unknown' as const);
    const iptablesRules = ipt.state === 'ok' ? ipt.value.ruleCount : 0;
    const nftRules = nft.state === 'ok' ? nft.value.ruleCount : 0;
    const evidence = [
      ...(ufw.state === 'ok'
        ? [`Status: ${ufw.value.status}`, ...(ufw.value.defaultLine ? [ufw.value.defaultLine] : [])]
        : []),
      ...(ipt.state === 'ok' ? [`-P INPUT ${ipt.value.policies.get('INPUT') ?? '?'}`] : []),
      ...(nft.state === 'ok' ? nft.value.inputChains.slice(0, 2).map((c) => c.policyText) : []),
    ];
    const portsText = wanted.length ? `ports ${wanted.join(', ')}` : 'no ports to check';
    const verdict = blocked.length ? `blocked: ${blocked.join(', ')}` : wanted.length ? 'none blocked' : '';
    findings.push(
      f(
        'firewall-summary',
        'ok',
        `ufw ${ufwState}, ${iptablesRules} iptables rules, ${nftRules} nft rules; ${portsText}${verdict ? ` (${verdict})` : ''}`,
        evidence,
        { ufw: ufwState, iptablesRules, nftRules, wantedPorts: wanted },
      ),
    );
    return findings;
  },
};
