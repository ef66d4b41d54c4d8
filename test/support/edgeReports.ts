/**
 * Reports at the edges, for the renderers: one stored before the new parts existed, one with the
 * contradiction the old diagnosis made, and one with a huge topology of hostile labels.
 */
import type { Report } from '../../src/core/model/report.js';
import { degradedReport, healthyReport, php81Report, unknownReport } from './sampleReports.js';

/** A report stored before the diagnosis was honest: degraded, with "no fault found" as its cause. */
export function contradictory(): Report {
  return {
    ...degradedReport(),
    headline: 'shop is degraded',
    causes: [{ ...(healthyReport().causes[0] as Report['causes'][number]) }],
    actions: [],
  };
}

/** A report as stored before topology, blind spots and basis existed. */
export function legacy(): Report {
  const { topology: _t, blindSpots: _b, basis: _s, ...old } = php81Report();
  return old as Report;
}

/** 400 chains of 30 hops and 300 blind spots, every label 5000 characters with markup. */
export function hugeReport(): Report {
  const long = 'x'.repeat(5000);
  const base = unknownReport();
  const chain = (i: number) => ({
    target: `10.0.${i}.1:8080`,
    onProbePath: i % 3 === 0,
    hops: Array.from({ length: 30 }, (_, j) => ({
      kind: 'process' as const,
      label: `<!channel>${i}-${j}${long}`,
      state:
        j === 29 && i % 2 === 0 ? ('broken' as const) : j === 28 ? ('unknown' as const) : ('ok' as const),
      note: `<@U1>${long}`,
    })),
  });
  return {
    ...base,
    topology: { gateways: base.topology.gateways, chains: Array.from({ length: 400 }, (_, i) => chain(i)) },
    blindSpots: Array.from({ length: 300 }, (_, i) => ({
      host: `host-${i}${long}`,
      check: 'nginx-errors',
      what: `${long} log`,
      reason: 'timeout' as const,
      message: `<!here>${long}`,
      onPath: i % 2 === 0,
    })),
  };
}
