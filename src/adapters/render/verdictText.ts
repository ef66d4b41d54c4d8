import type { BlindSpot } from '../../core/model/blindSpot.js';
import type { Cause } from '../../core/model/cause.js';
import type { ChainView } from '../../core/model/chainView.js';
import type { HealthBasis, Report } from '../../core/model/report.js';

/** The parts of a report every renderer shows, with defaults for reports stored before they existed. */
export interface ReportParts {
  chains: ChainView[];
  blindSpots: BlindSpot[];
  basis: HealthBasis | undefined;
  /** The causes worth listing: never `no-fault-found`, and no `blind-spot` that the blind spots already say. */
  causes: Cause[];
}

export function reportParts(report: Report): ReportParts {
  const blindSpots = report.blindSpots ?? [];
  return {
    chains: report.topology?.chains ?? [],
    blindSpots,
    basis: report.basis,
    causes: report.causes.filter(
      (c) => c.id !== 'no-fault-found' && !(c.id === 'blind-spot' && blindSpots.length > 0),
    ),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "1 of 5 probes failed, 12 upstream errors in the last 2 min": what the status rests on. */
export function basisText(b: HealthBasis, status: Report['status']): string {
  const probes =
    b.probes === 0
      ? 'no probe ran'
      : b.failedProbes > 0
        ? `${b.failedProbes} of ${plural(b.probes, 'probe')} failed`
        : `${b.probes} of ${plural(b.probes, 'probe')} answered`;
  const errors =
    b.recentGatewayErrors > 0
      ? `${plural(b.recentGatewayErrors, 'upstream error')} in the last ${b.recentSeconds} s`
      : status === 'healthy' || status === 'unknown'
        ? `no upstream errors in the last ${b.recentSeconds} s`
        : '';
  return [probes, errors].filter(Boolean).join(', ');
}

function pathsText(chains: readonly ChainView[]): string | undefined {
  if (chains.length === 0) return undefined;
  const notOk = chains.filter((c) => c.hops.some((h) => h.state !== 'ok')).length;
  if (notOk > 0) return `${notOk} of ${plural(chains.length, 'request path')} not fully seen or ok (below)`;
  return chains.length === 1
    ? 'every hop of the request path is ok'
    : `every hop of the ${chains.length} request paths is ok`;
}

/**
 * The one sentence that says why a report without a cause to list is what it is: what a healthy
 * verdict rests on, or why the verdict is unknown. Undefined when the causes speak for the report.
 */
export function verdictText(report: Report, parts: ReportParts = reportParts(report)): string | undefined {
  const basis = parts.basis ? basisText(parts.basis, report.status) : undefined;
  if (report.status === 'healthy') {
    const why = [basis, pathsText(parts.chains)].filter(Boolean).join('; ');
    return why ? `Healthy: ${why}.` : 'Healthy.';
  }
  if (report.status === 'unknown') {
    const unseen = parts.blindSpots.filter((b) => b.onPath).length;
    const what = unseen
      ? `Medic could not see ${plural(unseen, "part of the request's path", "parts of the request's path")}`
      : "part of the request's path could not be seen";
    return `Unknown: ${basis ? `${basis}, but ` : ''}${what}${parts.blindSpots.length ? ' (below)' : ''}.`;
  }
  if (parts.causes.length === 0) return 'No cause found.';
  return undefined;
}
