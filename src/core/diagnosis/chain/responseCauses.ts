import type { DiagnosedCause } from '../../model/cause.js';
import type { NginxErrorKind } from '../../model/facts/nginx.js';
import { type Finding, isKind } from '../../model/finding.js';
import type { TargetLink } from '../../model/topology.js';
import type { DiagnosisContext } from '../rule.js';
import type { LinkSymptoms } from '../symptoms.js';
import {
  type Account,
  crashEvents,
  memoryEvents,
  ofEvents,
  saturationEvents,
  timeoutEvents,
} from './backendAccount.js';
import { hopConfidence, lines, makeCause, manualFix } from './causeKit.js';

type ErrorFinding = Finding<'nginx-upstream-error'>;
const ofKinds = (s: LinkSymptoms, kinds: NginxErrorKind[]) =>
  s.errors.filter((e) => kinds.includes(e.data.errorKind));
const cut: NginxErrorKind[] = ['prematurely-closed', 'recv-reset', 'send-failed'];

/** The buffer directive of a pass, and what it is set to (nginx's default is one memory page). */
function bufferFix(ctx: DiagnosisContext, link: TargetLink): { directive: string; now: string } {
  const family = link.target.directive.replace(/_pass$/, '');
  const directive = `${family === 'proxy' || family === 'upstreams' || family === 'error log' ? 'proxy' : family}_buffer_size`;
  const servers = ctx.findings.flatMap((f) =>
    isKind(f, 'nginx-upstreams') && f.host === link.target.gateway ? f.data.servers : [],
  );
  const loc = servers.flatMap((s) => s.locations).find((l) => l.match === link.target.location);
  return { directive, now: loc?.buffers[directive] ?? 'the default (4k or 8k)' };
}

/**
 * The upstream listens, but what comes back is not a response: the backend's own account says
 * why (it was killed for memory, crashed, ran out of time, is saturated), else the gateway's
 * line names what was wrong with the answer.
 */
export function badResponse(
  ctx: DiagnosisContext,
  link: TargetLink,
  s: LinkSymptoms,
  account: Account,
  failingThrough: boolean,
): DiagnosedCause | undefined {
  const host = link.ownerHost ?? link.target.gateway;
  const hosts = [host];
  const to = link.target.id;
  const closed = ofKinds(s, cut);
  const timeouts = s.errors.filter(
    (e) => e.data.errorKind === 'upstream-timeout' && e.data.phase !== 'connecting',
  );
  const conf = (n: number, bonus = 0) => hopConfidence(n, failingThrough, bonus);

  // 1. The kernel killed it for memory while nginx was waiting: the closed connections are that.
  if (
    (closed.length > 0 || s.probes.length > 0) &&
    (account.ooms.length > 0 || ofEvents(account, memoryEvents).length > 0)
  ) {
    const ev = [...account.ooms, ...ofEvents(account, memoryEvents)];
    return makeCause(
      'oom-killed',
      `the kernel killed the backend behind ${to} for memory (${account.ooms[0]?.data.process ?? 'its process'})`,
      conf(closed.length, 0.04),
      lines([...ev, ...closed]),
      hosts,
    );
  }
  // 2. It ran out of time: its own timeout killed the request, or it is too slow for nginx's.
  const ownTimeouts = ofEvents(account, timeoutEvents);
  if ((closed.length > 0 || timeouts.length > 0) && ownTimeouts.length > 0) {
    const e = ownTimeouts[0] as Finding<'backend-event'>;
    return makeCause(
      'upstream-timeout',
      `the backend behind ${to} kills requests that run too long (${e.data.event}${e.data.detail ? `: ${e.data.detail}` : ''})`,
      conf(closed.length + timeouts.length, 0.03),
      lines([...ownTimeouts, ...closed, ...timeouts]),
      hosts,
    );
  }
  // 3. It crashed mid-request (a worker's signal, an exception, a restart).
  const crashes = ofEvents(account, crashEvents);
  if (closed.length > 0 && crashes.length > 0) {
    const e = crashes[0] as Finding<'backend-event'>;
    return makeCause(
      'upstream-crashing',
      `the backend behind ${to} crashes while answering (${e.summary})`,
      conf(closed.length, 0.03),
      lines([...crashes, ...closed]),
      hosts,
    );
  }
  if (timeouts.length > 0) {
    return makeCause(
      'upstream-timeout',
      `${to} is too slow to answer (nginx timed out ${timeouts[0]?.data.during ?? 'reading'})`,
      conf(timeouts.length),
      lines(timeouts),
      hosts,
    );
  }
  const big = ofKinds(s, ['too-big-header']);
  if (big.length > 0) {
    const { directive, now } = bufferFix(ctx, link);
    return makeCause(
      'upstream-header-too-big',
      `${to} answers with headers larger than nginx's ${directive} (${now})`,
      conf(big.length),
      lines(big),
      [link.target.gateway],
      [
        manualFix(
          link.target.gateway,
          directive,
          `Raise ${directive} (e.g. 16k) where ${to} is passed to, then nginx -t and reload`,
          [
            `${directive} 16k;`,
            `${directive.replace('_size', 's')} 8 16k;`,
            'nginx -t',
            'systemctl reload -- nginx.service',
          ],
        ),
      ],
    );
  }
  const tls = ofKinds(s, ['ssl-handshake']);
  if (tls.length > 0) {
    const plain = tls.some((e) =>
      /wrong version number|http request/i.test(e.data.detail ?? e.evidence[0] ?? ''),
    );
    return makeCause(
      plain ? 'proxy-misconfig' : 'upstream-tls',
      plain
        ? `nginx speaks TLS to ${to}, which answers plain HTTP (https:// to a plain port)`
        : `the TLS handshake with ${to} fails`,
      conf(tls.length),
      lines(tls),
      [link.target.gateway],
    );
  }
  const invalid = ofKinds(s, ['invalid-header', 'invalid-response', 'unexpected-fastcgi-record']);
  if (invalid.length > 0) {
    const http = invalid.some((e) => /protocol version: 72\b/.test(e.evidence.join(' ')));
    return makeCause(
      http ? 'proxy-misconfig' : 'upstream-bad-response',
      http
        ? `nginx speaks ${link.target.scheme} to ${to}, which answers HTTP (the pass directive does not match the backend)`
        : `${to} sends an answer nginx cannot use (${invalid[0]?.data.detail ?? invalid[0]?.data.errorKind})`,
      conf(invalid.length),
      lines(invalid),
      hosts,
    );
  }
  if (closed.length > 0) {
    return makeCause(
      'upstream-bad-response',
      `${to} ${closed[0]?.data.errorKind === 'send-failed' ? 'closed the connection while nginx sent the request' : 'closes the connection before answering'} and its own log does not say why`,
      conf(closed.length, -0.15),
      lines(closed),
      hosts,
    );
  }
  return undefined;
}

/** The backend is full: nginx could not queue (EAGAIN), its pool reached its limit, its queue is full. */
export function saturated(
  ctx: DiagnosisContext,
  link: TargetLink,
  s: LinkSymptoms,
  account: Account,
  failingThrough: boolean,
): DiagnosedCause | undefined {
  const host = link.ownerHost ?? link.target.gateway;
  const eagain = s.errors.filter((e) => e.data.errorKind === 'connect-failed' && e.data.errno === 11);
  const full = ofEvents(account, saturationEvents);
  const status = ctx.findings.filter(
    (f) =>
      f.host === host &&
      ((isKind(f, 'fpm-status') && f.data.saturatedNow) ||
        isKind(f, 'fpm-saturated') ||
        isKind(f, 'fpm-status-timeout')),
  );
  if (eagain.length === 0 && full.length === 0 && status.length === 0) return undefined;
  if (eagain.length === 0 && s.errors.length === 0 && s.probes.length === 0 && !failingThrough)
    return undefined;
  const unit = link.owner?.kind === 'unit' ? link.owner.unit : undefined;
  return makeCause(
    'upstream-saturated',
    `the backend behind ${link.target.id} is saturated: every worker is busy${unit ? ` (${unit} on ${host})` : ''}`,
    hopConfidence(eagain.length + full.length + status.length, failingThrough),
    lines([...status, ...full, ...eagain]),
    [host],
    unit ? [{ kind: 'restart-unit', host, params: { unit } }] : [],
  );
}

export type { ErrorFinding };
