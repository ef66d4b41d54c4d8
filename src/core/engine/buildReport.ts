import { type Diagnosis, diagnose } from '../diagnosis/diagnose.js';
import { isDown } from '../diagnosis/verdict.js';
import type { ProposedAction } from '../model/action.js';
import type { Cause } from '../model/cause.js';
import type { SiteConfig } from '../model/inventory.js';
import type { Report } from '../model/report.js';
import type { ActionProposer } from './actionProposer.js';
import type { RunOutput } from './runPlaybook.js';

const pct = (c: { confidence: number }) => `${Math.round(c.confidence * 100)}%`;

/** One sentence a person reads first: the status, what it rests on when partial, the top cause. */
export function headline(site: string, d: Diagnosis): string {
  const top = d.causes[0];
  const b = d.basis;
  if (d.status === 'healthy') return `${site} is healthy`;
  if (d.status === 'unknown') {
    const n = d.blindSpots.filter((s) => s.onPath).length;
    return `${site} answers, but Medic could not see ${n} part(s) of its path: ${top?.title ?? 'blind spots'}`;
  }
  const rate =
    b.failedProbes > 0 && !isDown(b)
      ? ` (${b.failedProbes} of ${b.probes} probes failed, ${Math.round((b.failedProbes / b.probes) * 100)}%)`
      : b.failedProbes === 0 && b.recentGatewayErrors > 0
        ? ` (${b.recentGatewayErrors} upstream errors in the last ${b.recentSeconds} s)`
        : '';
  const verb = d.status === 'down' ? 'is down' : 'is degraded';
  return top ? `${site} ${verb}${rate}: ${top.title} (${top.id}, ${pct(top)})` : `${site} ${verb}${rate}`;
}

export function buildReport(args: {
  id: string;
  siteName: string;
  site: SiteConfig;
  playbook: string;
  startedAt: Date;
  durationMs: number;
  run: RunOutput;
  proposer: ActionProposer;
}): Report {
  const { run } = args;
  const probe = run.findings.find((f) => f.kind === 'site-probe');
  const d = diagnose({
    siteName: args.siteName,
    site: run.site,
    findings: run.findings,
    siteFailing: probe ? probe.severity === 'critical' : false,
    topology: run.topology,
    checks: run.checks,
    declaredGateways: args.site.gateway ?? [],
  });
  const causes: Cause[] = d.causes.map(({ intents, ...c }) => ({
    ...c,
    actions: intents.flatMap((i) => args.proposer.propose(i) ?? []),
  }));
  // A failing site is offered its declared rollbacks last, after the fixes the causes propose.
  const rollbacks = d.status === 'down' ? args.proposer.rollbacks(args.site) : [];
  const actions: ProposedAction[] = [
    ...new Map([...causes.flatMap((c) => c.actions), ...rollbacks].map((a) => [a.id, a])).values(),
  ];
  const byHost = (a: { host: string; check: string }, b: { host: string; check: string }) =>
    a.host.localeCompare(b.host) || a.check.localeCompare(b.check);
  return {
    id: args.id,
    site: args.siteName,
    playbook: args.playbook,
    status: d.status,
    headline: headline(args.siteName, d),
    startedAt: args.startedAt.toISOString(),
    durationMs: args.durationMs,
    hosts: [...args.site.hosts],
    causes,
    findings: [...run.findings].sort(byHost),
    actions,
    checks: [...run.checks].sort(byHost),
    topology: { gateways: run.topology.gateways, chains: d.chains },
    blindSpots: d.blindSpots,
    basis: d.basis,
  };
}
