import type { ActionIntent } from '../model/action.js';
import type { CauseId, DiagnosedCause } from '../model/cause.js';
import { type Finding, type FindingKind, isKind } from '../model/finding.js';
import type { SiteConfig } from '../model/inventory.js';
import type { CheckRun } from '../model/report.js';
import type { SiteTopology } from '../model/topology.js';
import { siteErrors } from './siteErrors.js';

/** What every rule sees: all findings of the run, the topology, and whether the site's probes failed. */
export interface DiagnosisContext {
  siteName: string;
  site: SiteConfig;
  findings: Finding[];
  /** Most probes through the gateway returned an error status or no answer. */
  siteFailing: boolean;
  topology: SiteTopology;
  /** The per-check table of the run (what did not run is a blind spot). */
  checks?: CheckRun[];
  /** The gateways medic.yaml names (a host it names as one must have nginx). */
  declaredGateways?: string[];
}

/** A family of evidence → cause reasoning. Pure. */
export type Rule = (ctx: DiagnosisContext) => DiagnosedCause[];

export function ofKind<K extends FindingKind>(
  ctx: DiagnosisContext,
  kind: K,
  host?: string,
): Extract<Finding, { kind: K }>[] {
  return ctx.findings.filter(
    (f): f is Extract<Finding, { kind: K }> => isKind(f, kind) && (host === undefined || f.host === host),
  );
}

const field = (f: Finding, key: string): unknown => (f.data as unknown as Record<string, unknown>)[key];

export function str(f: Finding, key: string): string | undefined {
  const v = field(f, key);
  return typeof v === 'string' ? v : undefined;
}

export function num(f: Finding, key: string): number | undefined {
  const v = field(f, key);
  return typeof v === 'number' ? v : undefined;
}

export function clamp(confidence: number): number {
  return Math.round(Math.min(0.99, Math.max(0.01, confidence)) * 100) / 100;
}

/** Unique evidence lines, in order, at most `max`. */
export function evidenceOf(findings: Finding[], max = 8): string[] {
  return [...new Set(findings.flatMap((f) => f.evidence))].slice(0, max);
}

/** nginx upstream errors that belong to this site (see siteErrors), optionally filtered. */
export function nginxErrors(ctx: DiagnosisContext, pred: (f: Finding) => boolean = () => true): Finding[] {
  return siteErrors(ctx.site, ctx.siteName, ctx.findings).filter(pred);
}

export const connectErrno = (errno: number) => (f: Finding) =>
  str(f, 'errorKind') === 'connect-failed' && num(f, 'errno') === errno;

/** A cause one finding states by itself: its evidence and host, its summary unless titled. */
export function causeOf(
  f: Finding,
  id: CauseId,
  confidence: number,
  title: string = f.summary,
  intents: ActionIntent[] = [],
): DiagnosedCause {
  return { id, title, confidence: clamp(confidence), evidence: f.evidence, hosts: [f.host], intents };
}
