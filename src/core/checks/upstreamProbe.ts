import { z } from 'zod';
import { argv } from '../command.js';
import type { ProbeError } from '../model/facts/network.js';
import type { Finding } from '../model/finding.js';

export type { ProbeError };

import { type CheckContext, finder, type HostCheck, stepOutput } from './check.js';

export const upstreamProbeParams = z
  .object({
    timeoutSeconds: z.number().int().min(1).max(60).default(5),
  })
  .strict();
export type UpstreamProbeParams = z.infer<typeof upstreamProbeParams>;

export const curlWriteOut = '%{http_code} %{time_total} %{remote_ip}:%{remote_port}';

/** curl exit codes (libcurl CURLE_*) that tell why no HTTP status came back. */
const curlErrors: Record<number, ProbeError> = {
  6: 'dns', // CURLE_COULDNT_RESOLVE_HOST
  7: 'refused', // CURLE_COULDNT_CONNECT: refused or unreachable
  28: 'timeout', // CURLE_OPERATION_TIMEDOUT
  52: 'empty-reply', // CURLE_GOT_NOTHING
  56: 'reset', // CURLE_RECV_ERROR
};

const describe: Record<ProbeError, string> = {
  refused: 'could not connect (refused or unreachable)',
  timeout: 'did not answer in time',
  dns: 'has a host name that does not resolve',
  'empty-reply': 'closed the connection without a reply',
  reset: 'reset the connection',
  other: 'failed',
};

/** Whether this host is one of the site's gateways (where nginx, and so the probe, runs). */
const onGateway = (ctx: CheckContext) => (ctx.site.gateway ?? ctx.site.hosts).includes(ctx.host);

/** The URL without a password, for summaries and data. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Parse the `-w` line: `200 0.004586 127.0.0.1:18731` (`000 … :0` when nothing answered). */
export function parseWriteOut(
  line: string,
): { status: number | null; seconds: number; remote?: string } | null {
  const m = /^(\d{3}) (\d+(?:\.\d+)?) (\S*)$/.exec(line.trim());
  if (!m) return null;
  const status = Number(m[1]);
  const remote = m[3] && m[3] !== ':0' ? m[3] : undefined;
  return { status: status === 0 ? null : status, seconds: Number(m[2]), ...(remote ? { remote } : {}) };
}

export const upstreamProbe: HostCheck<UpstreamProbeParams> = {
  scope: 'host',
  id: 'upstream-probe',
  title: 'Upstreams probed directly from the gateway',
  params: upstreamProbeParams,
  steps: (p, ctx) =>
    onGateway(ctx)
      ? ctx.site.upstreams.map((u, i) => ({
          id: `probe-${i}`,
          // --noproxy '*': straight to the upstream, like nginx, whatever proxy the environment sets.
          command: argv(
            'curl',
            '-sS',
            '--noproxy',
            '*',
            '-o',
            '/dev/null',
            '--max-time',
            String(p.timeoutSeconds),
            '-w',
            curlWriteOut,
            '--',
            u.url,
          ),
          timeoutMs: p.timeoutSeconds * 1000 + 3000,
        }))
      : [],
  parse(outputs, _p, ctx): Finding[] {
    if (!onGateway(ctx)) return [];
    const f = finder('upstream-probe', ctx.host);
    const findings: Finding[] = [];
    for (const [i, u] of ctx.site.upstreams.entries()) {
      const out = stepOutput(outputs, `probe-${i}`);
      const url = redactUrl(u.url);
      const base = { url, ...(u.host ? { upstreamHost: u.host } : {}) };
      const stderr = out.stderr.split('\n').filter(Boolean);
      const line = out.stdout.trim();
      if (out.code === 127 || /\bcurl: (?:command )?not found/.test(out.stderr)) {
        return [
          f('tool-missing', 'info', 'curl is not installed on the gateway', stderr.slice(0, 2), {
            tool: 'curl',
          }),
        ];
      }
      const w = parseWriteOut(line);
      const seconds = w ? { seconds: w.seconds } : {};
      if (out.code === 0) {
        if (!w || w.status === null) {
          findings.push(
            f('unparseable', 'warn', `curl output for ${url} was not understood`, [line].filter(Boolean), {
              tool: 'curl',
              ...base,
            }),
          );
          continue;
        }
        const severity = w.status >= 500 ? 'critical' : 'ok';
        findings.push(
          f('upstream-probe', severity, `${url} answered ${w.status} in ${w.seconds}s`, [line], {
            ...base,
            status: w.status,
            curlExit: 0,
            ...seconds,
          }),
        );
        continue;
      }
      // A null exit code means the step itself was killed after curl's own --max-time.
      const error: ProbeError = out.code === null ? 'timeout' : (curlErrors[out.code] ?? 'other');
      // curl verifies certificates, nginx does not unless proxy_ssl_verify is on: only a warning.
      const severity = out.code === 60 ? 'warn' : 'critical';
      findings.push(
        f(
          'upstream-probe',
          severity,
          error === 'other' ? `${url} failed (curl exit ${out.code})` : `${url} ${describe[error]}`,
          stderr.length ? stderr.slice(0, 2) : [line],
          {
            ...base,
            status: null,
            error,
            curlExit: out.code,
            ...seconds,
          },
        ),
      );
    }
    return findings;
  },
};
