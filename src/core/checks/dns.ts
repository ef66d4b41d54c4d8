import { isIP } from 'node:net';
import { z } from 'zod';
import { argv } from '../command.js';
import type { Finding } from '../model/finding.js';
import { type CheckContext, finder, type HostCheck, stepOutput } from './check.js';

export const dnsParams = z
  .object({
    /** Names to resolve besides the hostnames of the site's upstream URLs. */
    names: z.array(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'a host name')).default([]),
  })
  .strict();
export type DnsParams = z.infer<typeof dnsParams>;

/** The names to resolve: params first, then upstream URL hostnames that are not IP literals. */
export function dnsNames(p: DnsParams, ctx: CheckContext): string[] {
  const names = new Set(p.names);
  for (const u of ctx.site.upstreams) {
    let host: string;
    try {
      host = new URL(u.url).hostname.replace(/^\[|\]$/g, '');
    } catch {
      continue;
    }
    if (host && isIP(host) === 0) names.add(host);
  }
  return [...names];
}

const stepId = (name: string) => `ahosts:${name}`;

/** Unique addresses of `getent ahosts` output (`ADDRESS  STREAM|DGRAM|RAW  [NAME]` lines). */
export function parseAhosts(text: string): string[] | null {
  const addresses: string[] = [];
  let lines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    lines++;
    const m = /^(\S+)\s+(STREAM|DGRAM|RAW)\b/.exec(line);
    if (!m?.[1] || isIP(m[1]) === 0) return null;
    if (!addresses.includes(m[1])) addresses.push(m[1]);
  }
  return lines > 0 ? addresses : null;
}

export const dns: HostCheck<DnsParams> = {
  scope: 'host',
  id: 'dns',
  title: 'Name resolution of upstream hosts',
  params: dnsParams,
  steps: (p, ctx) =>
    dnsNames(p, ctx).map((name) => ({ id: stepId(name), command: argv('getent', 'ahosts', '--', name) })),
  parse(outputs, p, ctx): Finding[] {
    const f = finder('dns', ctx.host);
    const findings: Finding[] = [];
    for (const name of dnsNames(p, ctx)) {
      const out = stepOutput(outputs, stepId(name));
      const stderr = out.stderr.split('\n').filter(Boolean).slice(0, 3);
      if (out.code === 127 || /\bgetent: (?:command )?not found/.test(out.stderr)) {
        // One note is enough: every other name fails the same way.
        return [f('tool-missing', 'info', 'getent is not installed', stderr, { tool: 'getent' })];
      }
      if (out.code === 2 || out.timedOut || out.code === null) {
        const why = out.code === 2 ? 'does not resolve' : 'timed out resolving';
        findings.push(
          f(
            'dns-failure',
            'critical',
            `${name} ${why}`,
            [`getent ahosts ${name}: exit ${out.code ?? 'timeout'}`],
            {
              name,
              exitCode: out.code,
            },
          ),
        );
        continue;
      }
      const addresses = out.code === 0 ? parseAhosts(out.stdout) : null;
      if (!addresses) {
        const lines = [...out.stdout.split('\n').filter(Boolean).slice(0, 3), ...stderr].slice(0, 5);
        findings.push(
          f('unparseable', 'warn', `getent ahosts ${name} gave unexpected output (exit ${out.code})`, lines, {
            tool: 'getent',
            name,
            exitCode: out.code,
          }),
        );
        continue;
      }
      const stream = out.stdout
        .split('\n')
        .filter((l) => / STREAM\b/.test(l))
        .map((l) => l.trimEnd());
      findings.push(
        f('dns-resolution', 'ok', `${name} resolves to ${addresses.join(', ')}`, stream.slice(0, 5), {
          name,
          addresses,
        }),
      );
    }
    return findings;
  },
};
