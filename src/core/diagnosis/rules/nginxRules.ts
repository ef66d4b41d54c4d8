import type { DiagnosedCause as Cause } from '../../model/cause.js';
import { causeOf, clamp, connectErrno, evidenceOf, nginxErrors, ofKind, type Rule, str } from '../rule.js';

/** What nginx itself says: a broken config, or upstream errors no other rule explains. */
export const nginxRules: Rule = (ctx) => {
  const causes: Cause[] = [];
  for (const f of ofKind(ctx, 'nginx-test-failed')) {
    causes.push(
      causeOf(
        f,
        'proxy-misconfig',
        0.6 + (ctx.siteFailing ? 0.2 : 0),
        `nginx configuration on ${f.host} does not pass nginx -t`,
      ),
    );
  }
  // Refused connections to an upstream, when Medic could not map the path (the chain says more).
  if (ctx.topology.links.length > 0) return causes;
  const refused = nginxErrors(ctx, connectErrno(111));
  const noLive = nginxErrors(ctx, (e) => str(e, 'errorKind') === 'no-live-upstreams');
  if (refused.length > 0 || noLive.length > 0) {
    const upstreams = [...new Set(refused.map((e) => str(e, 'upstream')).filter(Boolean))];
    causes.push({
      id: 'upstream-down',
      title: `nginx cannot connect to ${upstreams.join(', ') || 'its upstream'} (connection refused)`,
      confidence: clamp(0.35 + (ctx.siteFailing ? 0.15 : 0)),
      evidence: evidenceOf([...refused, ...noLive]),
      hosts: [...new Set([...refused, ...noLive].map((e) => e.host))],
      intents: [],
    });
  }
  return causes;
};
