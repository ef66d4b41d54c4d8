import { z } from 'zod';
import type { Finding } from '../model/finding.js';
import { finder, type HostCheck } from './check.js';
import { logTailSteps, readLogTail } from './logTail.js';
import {
  groupUpstreamErrors,
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

function what(g: UpstreamErrorGroup, last: NginxErrorLine): string {
  const to = last.unixSocket ? `unix:${last.unixSocket}` : (g.upstream ?? 'upstream');
  const errno = last.errno !== null ? ` (${last.errno}: ${last.errnoText ?? ''})` : '';
  const byKind: Record<NginxErrorKind, string> = {
    'connect-failed': `connect() to ${to} failed${errno}`,
    'prematurely-closed': `${to} closed the connection without a response`,
    'recv-reset': `${to} reset the connection${errno}`,
    'no-live-upstreams': `no live upstreams in ${g.upstream ?? 'the upstream group'}`,
    'upstream-timeout': `${to} timed out${last.phase ? ` while ${last.phase}` : ''}`,
    'too-big-header': `${to} sent a too big header`,
    other: `${last.message.slice(0, 120)} (${to})`,
  };
  return byKind[g.kind];
}

function groupFinding(f: ReturnType<typeof finder>, g: UpstreamErrorGroup, minutes: number): Finding {
  const first = g.lines[0] as NginxErrorLine;
  const last = g.lines[g.lines.length - 1] as NginxErrorLine;
  return f(
    'nginx-upstream-error',
    g.kind === 'other' ? 'warn' : 'critical',
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
      phase: last.phase,
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
    const parsed = text.flatMap((l) => parseNginxErrorLine(l) ?? []);
    if (text.length > 0 && parsed.length === 0) return [unparseable(f, 'nginx', label, text.join('\n'))];
    const since = now - p.minutes * 60_000;
    const recent = parsed.filter((l) => l.at >= since);
    // Causes first, then the most recent, then the most frequent.
    const lastAt = (g: UpstreamErrorGroup) => g.lines[g.lines.length - 1]?.at ?? 0;
    const groups = groupUpstreamErrors(recent).sort(
      (a, b) =>
        Number(a.kind === 'other') - Number(b.kind === 'other') || lastAt(b) - lastAt(a) || b.count - a.count,
    );
    const findings = groups.slice(0, maxGroups).map((g) => groupFinding(f, g, p.minutes));
    if (!groups.some((g) => g.kind !== 'other')) {
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
