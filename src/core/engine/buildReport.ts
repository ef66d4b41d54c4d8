import { type Diagnosis, diagnose } from '../diagnosis/diagnose.js';
import type { ProposedAction } from '../model/action.js';
import type { Cause } from '../model/cause.js';
import type { SiteConfig } from '../model/inventory.js';
import type { Report } from '../model/report.js';
import type { ActionProposer } from './actionProposer.js';
import type { RunOutput } from './runPlaybook.js';

/** One sentence a person reads first. */
export function headline(site: string, d: Diagnosis): string {
  const top = d.causes[0];
  if (d.status === 'healthy') return `${site} is healthy`;
  const verb = d.status === 'down' ? 'is down' : 'is degraded';
  return top && top.id !== 'no-fault-found'
    ? `${site} ${verb}: ${top.title} (${top.id}, ${Math.round(top.confidence * 100)}%)`
    : `${site} ${verb}: ${top?.title ?? 'no cause found'}`;
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
    site: args.site,
    findings: run.findings,
    siteFailing: probe ? probe.severity === 'critical' : false,
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
  };
}
