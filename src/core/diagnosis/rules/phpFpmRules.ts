import type { DiagnosedCause as Cause } from '../../model/cause.js';
import { intents } from '../intents.js';
import { causeOf, clamp, connectErrno, evidenceOf, nginxErrors, ofKind, type Rule, str } from '../rule.js';

/** php-fpm up but unreachable by nginx: wrong socket path, socket permissions, or a full pool. */
export const phpFpmRules: Rule = (ctx) => {
  const causes: Cause[] = [];
  const runningUnit = (host: string) =>
    ofKind(ctx, 'unit-state', host).some(
      (u) => u.data.running === true && /php.*fpm/.test(str(u, 'unit') ?? ''),
    );

  // A regular file where the socket should be: php-fpm cannot bind there, nginx cannot connect.
  for (const f of ofKind(ctx, 'fpm-socket-not-socket')) {
    causes.push(
      causeOf(
        f,
        'upstream-socket-missing',
        0.6 + (ctx.siteFailing ? 0.25 : 0),
        `${f.data.socket} on ${f.host} is a ${f.data.type ?? 'file'}, not a socket`,
      ),
    );
  }
  for (const f of ofKind(ctx, 'fpm-socket-missing')) {
    if (!runningUnit(f.host)) continue; // a stopped pool removes its socket: upstream-down says so
    const socket = str(f, 'socket') ?? '';
    const others = Array.isArray(f.data.others) ? (f.data.others as string[]) : [];
    const nginx = nginxErrors(ctx, (e) => connectErrno(2)(e) && str(e, 'unixSocket') === socket);
    const moved = others.length > 0;
    causes.push({
      id: moved ? 'proxy-misconfig' : 'upstream-socket-missing',
      title: moved
        ? `php-fpm runs but listens on ${others.join(', ')}, not on ${socket} (${f.host})`
        : `php-fpm runs but its socket ${socket} is missing on ${f.host}`,
      confidence: clamp(0.65 + (nginx.length ? 0.25 : 0)),
      evidence: evidenceOf([f, ...nginx]),
      hosts: [f.host],
      intents: moved && others[0] ? [intents.fixFastcgiPass(f.host, others[0])] : [],
    });
  }

  const denied = nginxErrors(ctx, connectErrno(13));
  if (denied.length > 0) {
    const hosts = [...new Set(denied.map((d) => d.host))];
    const sockets = ofKind(ctx, 'fpm-socket-ok').filter((s) => hosts.includes(s.host));
    causes.push({
      id: 'upstream-socket-permission',
      title: `nginx may not open the upstream socket (permission denied) on ${hosts.join(', ')}`,
      confidence: clamp(0.8 + (ctx.siteFailing ? 0.1 : 0)),
      evidence: evidenceOf([...denied, ...sockets]),
      hosts,
      intents: [],
    });
  }

  const saturated = [
    ...ofKind(ctx, 'fpm-saturated'),
    ...ofKind(ctx, 'fpm-status').filter((f) => f.data.saturatedNow === true),
    ...ofKind(ctx, 'fpm-status-timeout').filter((f) => runningUnit(f.host)),
    ...nginxErrors(ctx, connectErrno(11)),
  ];
  if (saturated.length > 0) {
    const hosts = [...new Set(saturated.map((s) => s.host))];
    const units = ofKind(ctx, 'unit-state').filter(
      (u) => hosts.includes(u.host) && /fpm/.test(str(u, 'unit') ?? ''),
    );
    causes.push({
      id: 'upstream-saturated',
      title: `php-fpm pool is saturated (pm.max_children reached) on ${hosts.join(', ')}`,
      confidence: clamp(0.6 + (ctx.siteFailing ? 0.15 : 0) + (saturated.length > 1 ? 0.1 : 0)),
      evidence: evidenceOf(saturated),
      hosts,
      intents: units.map((u) => intents.restartUnit(u.host, str(u, 'unit') ?? '')),
    });
  }
  return causes;
};
