import { type Diagnosis, diagnose } from '../diagnosis/diagnose.js';
import type { SiteConfig } from '../model/inventory.js';
import type { Report } from '../model/report.js';
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
}): Report {
  const { run } = args;
  const probe = run.findings.find((f) => f.kind === 'site-probe');
  const d = diagnose({
    siteName: args.siteName,
    site: args.site,
    findings: run.findings,
    siteFailing: probe ? probe.severity === 'critical' : false,
  });
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
    causes: d.causes,
    findings: [...run.findings].sort(byHost),
    actions: d.actions,
    checks: [...run.checks].sort(byHost),
  };
}
