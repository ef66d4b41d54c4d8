import { z } from 'zod';
import type { Finding } from '../model/finding.js';
import { finder, type HostCheck } from './check.js';
import { logTailSteps, readLogTail } from './logTail.js';
import {
  groupUpstreamErrors,
  isSerious,
  joinContinuationLines,
  type NginxErrorKind,
  type NginxErrorLine,
  parseNginxErrorLine,
  type UpstreamErrorGroup,
} from './parseNginxErrorLog.js';
import { unparseable } from './stepFailure.js';

export const nginxErrorsParams = z
  .object({
    errorLog: z.string().startsWith('/', 'an absolute path').default('/var/log/nginx/error.log'),
    /** Only lines logged within this many minutes before the host's current time count. */
    minutes: z.number().int().positive().default(15),
    maxLines: z.number().int().positive().max(100000).default(5000),
  })
  .strict();
export type NginxErrorsParams = z.infer<typeof nginxErrorsParams>;

/** At most this many groups become findings (causes first, most recent first). */
const maxGroups = 15;

/** Kinds that are context, not by themselves a failure of the upstream. */
const contextKinds = new Set<NginxErrorKind>(['other', 'fastcgi-stderr', 'server-disabled']);

/** Where in the exchange it failed, for the summary. */
function stage(l: NginxErrorLine): string {
  if (l.during?.startsWith('SSL handshaking')) return ' during the TLS handshake';
  if (l.during === 'reading upstream') return ' while reading the response body';
  if (l.during?.startsWith('reading response header')) return ' while reading the response header';
  if (l.phase === 'sending') return ' while sending the request';
  return l.phase ? ` while ${l.phase}` : '';
}

const bufferSize = (upstream: string | null) =>
  `${/^(fastcgi|uwsgi|scgi|grpc)s?:/.exec(upstream ?? '')?.[1] ?? 'proxy'}_buffer_size`;

function what(g: UpstreamErrorGroup, last: NginxErrorLine): string {
  const to = last.unixSocket ? `unix:${last.unixSocket}` : (g.upstream ?? 'upstream');
  const errno = last.errno !== null ? ` (${last.errno}: ${last.errnoText ?? ''})` : '';
  // nginx's own words with the upstream named: "http://10.0.0.5:80 sent invalid header: …".
  const core = last.message.replace(/ while [^"]*$/, '');
  const said = core.startsWith('upstream ') ? core.replace(/^upstream /, `${to} `) : `${core} (${to})`;
  const closed = !last.detail || last.detail === 'connection' ? 'the connection' : last.detail;
  const wc = `${last.detail ?? 'the'} worker_connections are not enough`;
  const byKind: Record<NginxErrorKind, string> = {
    'connect-failed':
      last.call === 'bind'
        ? `bind(${last.detail ?? ''}) to connect to ${to} failed${errno}`
        : `connect() to ${to} failed${errno}`,
    'prematurely-closed':
      last.during === 'reading upstream'
        ? `${to} closed ${closed} before the end of the response`
        : `${to} closed ${closed} without a response`,
    'recv-reset': `${to} reset the connection${errno}${last.during === 'reading upstream' ? stage(last) : ''}`,
    'send-failed': `sending the request to ${to} failed: ${last.call ?? 'write'}()${errno}`,
    'no-live-upstreams': `no live upstreams in ${g.upstream ?? 'the upstream group'}`,
    'upstream-timeout': `${to} timed out${stage(last)}`,
    'too-big-header': `${to} sent a too big header (${bufferSize(g.upstream)} is too small)`,
    'invalid-header': said,
    'invalid-response': said,
    'unexpected-fastcgi-record': `${said}${/version: 72$/.test(last.detail ?? '') ? ' (an HTTP server, not FastCGI?)' : ''}`,
    'fastcgi-stderr': `${to} wrote to FastCGI stderr: "${(last.detail ?? '').split('\n')[0]?.slice(0, 120)}"`,
    'ssl-handshake': `TLS handshake with ${to} failed: ${last.detail ?? last.message.slice(0, 120)}${last.call ? '' : errno}`,
    'worker-connections': last.upstream ? `${wc} to connect to ${to}` : `${wc} to accept clients`,
    'open-files': `nginx is out of file descriptors: ${last.call ?? ''}()${errno}${last.upstream ? ` connecting to ${to}` : ''}`,
    resolver:
      last.errno !== null
        ? `${last.detail} could not be resolved${errno}`
        : `no resolver defined to resolve ${last.detail}`,
    'server-disabled': `${to} marked unavailable for fail_timeout (max_fails reached)`,
    other: `${last.message.slice(0, 120)} (${to})`,
  };
  return byKind[g.kind];
}

const requestKey = (l: NginxErrorLine) => `${l.pid}#${l.connection ?? ''}`;

/**
 * A failure is critical when nginx logged it at error level or worse (a warn-level one stays warn);
 * context (FPM's stderr, a server marked down, unknown lines) is a warning, unless nginx also
 * logged a failure for the same request (FPM's stderr followed by a broken response).
 */
function severityOf(g: UpstreamErrorGroup, failedRequests: ReadonlySet<string>): 'critical' | 'warn' {
  if (!contextKinds.has(g.kind)) return g.lines.some(isSerious) ? 'critical' : 'warn';
  const withFailure = g.kind === 'fastcgi-stderr' && g.lines.some((l) => failedRequests.has(requestKey(l)));
  return withFailure ? 'critical' : 'warn';
}

/** How recent a line must be to count as a fresh error (the rate the verdict reads). */
export const freshSeconds = 20;

function groupFinding(
  f: ReturnType<typeof finder>,
  g: UpstreamErrorGroup,
  minutes: number,
  severity: 'critical' | 'warn',
  now: number,
): Finding {
  const first = g.lines[0] as NginxErrorLine;
  const last = g.lines[g.lines.length - 1] as NginxErrorLine;
  return f(
    'nginx-upstream-error',
    severity,
    `${what(g, last)}: ${g.count}× in the last ${minutes} min`,
    g.lines.slice(-3).map((l) => l.raw),
    {
      errorKind: g.kind,
      errno: g.errno,
      upstream: g.upstream,
      unixSocket: last.unixSocket,
      upstreamHost: last.upstreamHost,
      upstreamPort: last.upstreamPort,
      count: g.count,
      first: first.time,
      last: last.time,
      server: last.server,
      requestHost: last.host,
      phase: last.phase,
      during: last.during,
      call: last.call,
      detail: last.detail,
      fresh: g.lines.filter((l) => l.at >= now - freshSeconds * 1000).length,
      freshSeconds,
    },
  );
}

export const nginxErrors: HostCheck<NginxErrorsParams> = {
  scope: 'host',
  id: 'nginx-errors',
  title: 'nginx upstream errors',
  params: nginxErrorsParams,
  steps: (p) => logTailSteps('tail', p.errorLog, p.maxLines),
  parse(outputs, p, ctx): Finding[] {
    const f = finder('nginx-errors', ctx.host);
    const label = 'the nginx error log';
    const read = readLogTail(f, outputs, {
      tailId: 'tail',
      path: p.errorLog,
      label,
      kindPrefix: 'nginx-errorlog',
      data: { errorLog: p.errorLog },
    });
    if ('kind' in read) return [read];
    const { now, clockLine: dateLine, lines: text } = read;
    const data = { errorLog: p.errorLog };
    const parsed = joinContinuationLines(text).flatMap((l) => parseNginxErrorLine(l) ?? []);
    if (text.length > 0 && parsed.length === 0) return [unparseable(f, 'nginx', label, text.join('\n'))];
    const since = now - p.minutes * 60_000;
    const recent = parsed.filter((l) => l.at >= since);
    const failed = recent.filter((l) => !contextKinds.has(l.kind) && l.connection !== null && isSerious(l));
    const failedRequests = new Set(failed.map(requestKey));
    // Causes first, then the most recent, then the most frequent.
    const lastAt = (g: UpstreamErrorGroup) => g.lines[g.lines.length - 1]?.at ?? 0;
    const rated = groupUpstreamErrors(recent).map((g) => ({ g, severity: severityOf(g, failedRequests) }));
    rated.sort(
      (a, b) =>
        Number(a.severity === 'warn') - Number(b.severity === 'warn') ||
        lastAt(b.g) - lastAt(a.g) ||
        b.g.count - a.g.count,
    );
    const findings = rated.slice(0, maxGroups).map((r) => groupFinding(f, r.g, p.minutes, r.severity, now));
    if (!rated.some((r) => r.severity === 'critical')) {
      findings.unshift(
        f(
          'nginx-errors-none',
          'ok',
          `no upstream errors in the last ${p.minutes} min of ${p.errorLog}`,
          [`host time ${dateLine.trim()}, ${recent.length} of ${parsed.length} lines in the window`],
          { ...data, linesRead: parsed.length, linesInWindow: recent.length },
        ),
      );
    }
    return findings;
  },
};
