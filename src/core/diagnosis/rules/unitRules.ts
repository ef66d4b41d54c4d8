import type { DiagnosedCause as Cause } from '../../model/cause.js';
import type { Finding } from '../../model/finding.js';
import { intents } from '../intents.js';
import {
  clamp,
  type DiagnosisContext,
  evidenceOf,
  nginxErrors,
  num,
  ofKind,
  type Rule,
  str,
} from '../rule.js';

/** nginx errors that a dead or crashing local upstream produces: socket gone (2) or refused (111). */
function upstreamGoneErrors(ctx: DiagnosisContext, socket: string | undefined): Finding[] {
  return nginxErrors(ctx, (f) => {
    if (str(f, 'errorKind') !== 'connect-failed') return false;
    const errno = num(f, 'errno');
    if (errno !== 2 && errno !== 111) return false;
    const unix = str(f, 'unixSocket');
    return socket ? unix === socket : true;
  });
}

/** The socket a php-fpm service of this unit listens on, if the site declares one. */
function socketOf(ctx: DiagnosisContext, unit: string): string | undefined {
  const bare = (u: unknown) => String(u).replace(/\.service$/, '');
  const svc = ctx.site.services.find((s) => bare(s.unit) === bare(unit) && typeof s.socket === 'string');
  return svc?.socket as string | undefined;
}

function uniqueUnits<F extends Finding>(findings: F[]): F[] {
  const seen = new Map<string, F>();
  for (const f of findings) seen.set(`${f.host}\u0000${str(f, 'unit')}`, f);
  return [...seen.values()];
}

/** Units of the site's services that are not running, or keep restarting. */
export const unitRules: Rule = (ctx) => {
  const causes: Cause[] = [];
  for (const f of uniqueUnits(ofKind(ctx, 'unit-state'))) {
    const unit = str(f, 'unit') ?? '?';
    const running = f.data.running === true;
    const restarts = num(f, 'nRestarts') ?? 0;
    const result = str(f, 'result') ?? '';
    const crashing = restarts > 0 || result === 'start-limit-hit' || str(f, 'subState') === 'auto-restart';
    if (running && !crashing) continue;
    if (str(f, 'loadState') === 'not-found') continue;
    const nginx = upstreamGoneErrors(ctx, socketOf(ctx, unit)).filter((e) => e.host === f.host || !running);
    if (running) {
      causes.push({
        id: 'upstream-crashing',
        title: `${unit} on ${f.host} has restarted ${restarts} time(s)`,
        confidence: clamp(0.3 + (nginx.length ? 0.2 : 0) + (ctx.siteFailing ? 0.1 : 0)),
        evidence: evidenceOf([f, ...nginx]),
        hosts: [f.host],
        intents: [],
      });
      continue;
    }
    const how =
      str(f, 'execMainCode') === 'killed' || str(f, 'execMainCode') === 'dumped'
        ? `killed by signal ${num(f, 'execMainStatus')}, not restarted`
        : result === 'success'
          ? 'stopped'
          : `failed (${result})`;
    causes.push({
      id: result === 'oom-kill' ? 'oom-killed' : crashing ? 'upstream-crashing' : 'upstream-down',
      title: `${unit} is ${str(f, 'activeState')} on ${f.host} (${how})`,
      confidence: clamp(0.6 + (nginx.length ? 0.25 : 0) + (ctx.siteFailing ? 0.1 : 0)),
      evidence: evidenceOf([f, ...nginx]),
      hosts: [f.host],
      intents: [intents.restartUnit(f.host, unit)],
    });
  }
  return causes;
};
