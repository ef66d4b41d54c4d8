import type { DiagnosedCause } from '../../model/cause.js';
import { type Finding, isKind } from '../../model/finding.js';
import type { DiagnosisContext } from '../rule.js';
import { hopConfidence, lines, makeCause, manualFix } from './causeKit.js';

type ErrorFinding = Finding<'nginx-upstream-error'>;

/** Lines about the gateway itself (its descriptors, connections, local addresses), whatever upstream they name. */
export const gatewayLevel = (e: ErrorFinding) =>
  e.data.errorKind === 'open-files' ||
  e.data.errorKind === 'worker-connections' ||
  (e.data.errorKind === 'connect-failed' && (e.data.errno === 24 || e.data.errno === 99));

/** What a gateway error line says when no target claims it: its kind's cause, or an unexplained symptom. */
export function unclaimedCauses(ctx: DiagnosisContext, errors: ErrorFinding[]): DiagnosedCause[] {
  const causes: DiagnosedCause[] = [];
  const failing = ctx.siteFailing;
  const by = (pred: (e: ErrorFinding) => boolean) => errors.filter(pred);
  const used = new Set<ErrorFinding>();
  const take = (list: ErrorFinding[]) => {
    for (const e of list) used.add(e);
    return list;
  };
  const fds = take(
    by(
      (e) =>
        e.data.errorKind === 'open-files' || (e.data.errorKind === 'connect-failed' && e.data.errno === 24),
    ),
  );
  for (const host of new Set(fds.map((e) => e.host))) {
    const mine = fds.filter((e) => e.host === host);
    causes.push(
      makeCause(
        'gateway-limits',
        `nginx on ${host} ran out of file descriptors (errno 24)`,
        hopConfidence(mine.length, failing),
        lines(mine),
        [host],
        [
          manualFix(host, 'worker_rlimit_nofile', `Raise nginx's file limit on ${host}`, [
            'worker_rlimit_nofile 65535;   # nginx.conf, main context',
            'LimitNOFILE=65535             # systemctl edit nginx',
            'nginx -t',
            'systemctl restart -- nginx.service',
          ]),
        ],
      ),
    );
  }
  const conns = take(by((e) => e.data.errorKind === 'worker-connections'));
  for (const host of new Set(conns.map((e) => e.host))) {
    const mine = conns.filter((e) => e.host === host);
    const wc = ctx.findings.find((f) => isKind(f, 'nginx-upstreams') && f.host === host) as
      | Finding<'nginx-upstreams'>
      | undefined;
    causes.push(
      makeCause(
        'gateway-limits',
        `nginx on ${host} has no connection left (worker_connections ${wc?.data.workerConnections ?? '?'} are not enough)`,
        hopConfidence(mine.length, failing),
        lines(mine),
        [host],
        [
          manualFix(host, 'worker_connections', `Raise worker_connections on ${host}`, [
            'events { worker_connections 4096; }',
            'nginx -t',
            'systemctl reload -- nginx.service',
          ]),
        ],
      ),
    );
  }
  const bind = take(
    by((e) => e.data.errorKind === 'connect-failed' && e.data.errno === 99 && e.data.call === 'bind'),
  );
  for (const host of new Set(bind.map((e) => e.host))) {
    const mine = bind.filter((e) => e.host === host);
    causes.push(
      makeCause(
        'proxy-misconfig',
        `nginx on ${host} binds its upstream connections to an address the host does not have (proxy_bind)`,
        hopConfidence(mine.length, failing),
        lines(mine),
        [host],
        [
          manualFix(
            host,
            'proxy_bind',
            `Remove proxy_bind, or name one of ${host}'s own addresses, then nginx -t and reload`,
            ['# proxy_bind <an address of this host>;', 'nginx -t', 'systemctl reload -- nginx.service'],
          ),
        ],
      ),
    );
  }
  const ports = take(by((e) => e.data.errorKind === 'connect-failed' && e.data.errno === 99));
  for (const host of new Set(ports.map((e) => e.host))) {
    const mine = ports.filter((e) => e.host === host);
    causes.push(
      makeCause(
        'gateway-limits',
        `nginx on ${host} has no local port left to reach its upstream (99: Cannot assign requested address)`,
        hopConfidence(mine.length, failing),
        lines(mine),
        [host],
        [
          manualFix(host, 'keepalive', 'Reuse upstream connections instead of opening one per request', [
            'upstream … { keepalive 32; }',
            'proxy_http_version 1.1; proxy_set_header Connection "";',
            'nginx -t',
            'systemctl reload -- nginx.service',
          ]),
        ],
      ),
    );
  }
  const resolver = take(by((e) => e.data.errorKind === 'resolver'));
  if (resolver.length > 0) {
    causes.push(
      makeCause(
        'dns-failure',
        `nginx cannot resolve ${resolver[0]?.data.upstreamHost ?? resolver[0]?.data.detail ?? 'its upstream'}`,
        hopConfidence(resolver.length, failing),
        lines(resolver),
        [...new Set(resolver.map((e) => e.host))],
      ),
    );
  }
  for (const e of errors) {
    if (used.has(e) || e.severity !== 'critical') continue;
    causes.push(unexplained(e, failing));
  }
  return causes;
}

/** A symptom no hop explains: its own cause, carrying its line, never silence. */
export function unexplained(e: ErrorFinding, failing: boolean): DiagnosedCause {
  const k = e.data.errorKind;
  const id =
    k === 'too-big-header'
      ? 'upstream-header-too-big'
      : k === 'ssl-handshake'
        ? 'upstream-tls'
        : k === 'upstream-timeout'
          ? 'upstream-timeout'
          : k === 'no-live-upstreams'
            ? 'upstream-down'
            : k === 'invalid-header' ||
                k === 'invalid-response' ||
                k === 'unexpected-fastcgi-record' ||
                k === 'prematurely-closed' ||
                k === 'recv-reset' ||
                k === 'send-failed'
              ? 'upstream-bad-response'
              : 'unexplained-symptom';
  return makeCause(id, `nginx on ${e.host}: ${e.summary}`, hopConfidence(1, failing, -0.3), e.evidence, [
    e.host,
  ]);
}
