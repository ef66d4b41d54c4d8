import type { ActionIntent } from '../../model/action.js';
import type { DiagnosedCause as Cause } from '../../model/cause.js';
import { intents } from '../intents.js';
import { clamp, evidenceOf, nginxErrors, num, ofKind, type Rule, str } from '../rule.js';

/** pm2 apps: stopped, crash-looping (errored / unstable restarts), at their memory ceiling. */
export const pm2Rules: Rule = (ctx) => {
  const causes: Cause[] = [];
  const failing = ctx.siteFailing ? 0.1 : 0;
  const refused = nginxErrors(
    ctx,
    (e) => str(e, 'errorKind') === 'connect-failed' && num(e, 'errno') === 111,
  );
  for (const f of ofKind(ctx, 'pm2-app')) {
    const app = str(f, 'app') ?? '?';
    const user = str(f, 'user') ?? '?';
    const status = str(f, 'status');
    const unstable = num(f, 'unstableRestarts') ?? 0;
    const restart: ActionIntent[] = [intents.restartPm2(f.host, app, user)];
    if (status === 'errored' || (status !== 'online' && unstable > 0)) {
      causes.push({
        id: 'upstream-crashing',
        title: `pm2 app ${app} on ${f.host} crashed and pm2 gave up (errored after ${num(f, 'restarts')} restarts)`,
        confidence: clamp(0.65 + (refused.length ? 0.15 : 0) + failing),
        evidence: evidenceOf([f, ...refused], 6),
        hosts: [f.host],
        intents: restart,
      });
    } else if (status === 'stopped' || status === 'stopping') {
      causes.push({
        id: 'upstream-down',
        title: `pm2 app ${app} on ${f.host} is ${status}`,
        confidence: clamp(0.6 + (refused.length ? 0.25 : 0) + failing),
        evidence: evidenceOf([f, ...refused], 6),
        hosts: [f.host],
        intents: restart,
      });
    } else if (status === 'online' && unstable > 0) {
      causes.push({
        id: 'upstream-crashing',
        title: `pm2 app ${app} on ${f.host} keeps restarting (${unstable} unstable restarts)`,
        confidence: clamp(0.45 + failing),
        evidence: f.evidence,
        hosts: [f.host],
        intents: [],
      });
    }
  }
  for (const f of [...ofKind(ctx, 'pm2-app-missing'), ...ofKind(ctx, 'pm2-daemon-down')]) {
    causes.push({
      id: 'upstream-down',
      title: f.summary,
      confidence: clamp(0.55 + (refused.length ? 0.2 : 0) + failing),
      evidence: evidenceOf([f, ...refused], 6),
      hosts: [f.host],
      intents: [],
    });
  }
  for (const f of ofKind(ctx, 'pm2-memory')) {
    causes.push({
      id: 'memory-exhausted',
      title: `pm2 app ${str(f, 'app')} on ${f.host} is at its max_memory_restart`,
      confidence: clamp(0.45 + failing),
      evidence: f.evidence,
      hosts: [f.host],
      intents: [],
    });
  }
  return causes;
};
