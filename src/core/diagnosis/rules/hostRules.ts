import type { DiagnosedCause as Cause } from '../../model/cause.js';
import { clamp, type Rule, str } from '../rule.js';

/** A host Medic cannot reach (refused, timed out, bad key): the diagnosis of it is blind. */
export const hostRules: Rule = (ctx) =>
  ctx.findings
    .filter((f) => f.kind === 'host-unreachable')
    .map((f): Cause => {
      const code = str(f, 'code');
      const gateway = (ctx.site.gateway ?? ctx.site.hosts).includes(f.host);
      const title =
        code === 'transport.hostkey'
          ? `${f.host} refused: its SSH host key does not match the pinned fingerprint`
          : code === 'transport.auth'
            ? `${f.host}: SSH authentication failed`
            : `${f.host} is unreachable`;
      return {
        id: 'host-unreachable',
        title,
        confidence: clamp(0.7 + (gateway && ctx.siteFailing ? 0.2 : 0.1)),
        evidence: f.evidence,
        hosts: [f.host],
        intents: [],
      };
    });
