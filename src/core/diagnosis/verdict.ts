import type { BlindSpot } from '../model/blindSpot.js';
import type { DiagnosedCause } from '../model/cause.js';
import { type Finding, isKind } from '../model/finding.js';
import type { HealthBasis, SiteStatus } from '../model/report.js';
import type { DiagnosisContext } from './rule.js';
import { siteErrors } from './siteErrors.js';

/** Fresh upstream errors (per the gateways' logs) from which a site that answers is degraded. */
export const degradedAfterErrors = 3;

/** What the verdict rests on: the probes of the run, and the gateways' fresh upstream errors for the site. */
export function healthBasis(
  ctx: Pick<DiagnosisContext, 'site' | 'siteName' | 'findings'>,
  history: ReadonlySet<Finding> = new Set(),
): HealthBasis {
  const probes = ctx.findings.filter((f): f is Finding<'site-probe'> => isKind(f, 'site-probe'));
  const samples = probes.flatMap((p) =>
    p.data.samples?.length ? p.data.samples : [{ ok: p.severity === 'ok' }],
  );
  // Lines the diagnosis judged history (logged before their backend started again) do not count.
  const errors = siteErrors(ctx.site, ctx.siteName, ctx.findings).filter(
    (e) => e.severity === 'critical' && !history.has(e),
  );
  return {
    probes: samples.length,
    failedProbes: samples.filter((s) => !s.ok).length,
    recentGatewayErrors: errors.reduce((n, e) => n + (e.data.fresh ?? 0), 0),
    recentSeconds: errors[0]?.data.freshSeconds ?? 20,
  };
}

/** Most probes failed. */
export const isDown = (b: HealthBasis) => b.probes > 0 && b.failedProbes * 2 >= b.probes;

/**
 * The site's status from the basis, the causes and the blind spots: `down` when most probes
 * fail; `degraded` when some do, when the gateways log fresh upstream errors for it, or when a
 * cause stands; `unknown` when nothing failed but part of the request's path went unseen;
 * `healthy` only when the probes and the path say so.
 */
export function statusOf(b: HealthBasis, causes: DiagnosedCause[], blind: BlindSpot[]): SiteStatus {
  if (isDown(b)) return 'down';
  if (b.failedProbes > 0 || b.recentGatewayErrors >= degradedAfterErrors) return 'degraded';
  if (causes.some((c) => c.confidence >= 0.5 && c.id !== 'no-fault-found' && c.id !== 'blind-spot'))
    return 'degraded';
  if (blind.some((s) => s.onPath)) return 'unknown';
  return 'healthy';
}
