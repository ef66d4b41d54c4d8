/**
 * Small helpers for check tests: captured fixtures, step results, a check context, and running a
 * check's parser the way the runner does (params through the check's own schema).
 */
import { readFileSync } from 'node:fs';
import type { CheckContext, HostCheck, StepOutputs } from '../../src/core/checks/check.js';
import type { ProposedAction } from '../../src/core/model/action.js';
import type { DiagnosedCause } from '../../src/core/model/cause.js';
import { type Finding, type FindingData, type FindingKind, isKind } from '../../src/core/model/finding.js';
import { type SiteConfig, siteSchema } from '../../src/core/model/inventory.js';
import type { ExecResult } from '../../src/core/ports.js';
import { proposeIntent } from '../../src/core/remediation/intentProposer.js';

/** A verbatim capture from test/fixtures/<dir>/<name>. */
export function fixture(dir: string, name: string): string {
  return readFileSync(new URL(`../fixtures/${dir}/${name}`, import.meta.url), 'utf8');
}

/** A finished step: exit code 0 and empty stderr unless given. */
export function execResult(
  stdout: string,
  { code = 0, stderr = '' }: { code?: number | null; stderr?: string } = {},
): ExecResult {
  return { stdout, stderr, code, signal: null, durationMs: 5, timedOut: false };
}

/** Host web1 of site shop (https://shop.example.com/ on web1) unless given. */
export function checkContext({
  host = 'web1',
  site = siteSchema.parse({ url: 'https://shop.example.com/', hosts: ['web1'] }),
}: {
  host?: string;
  site?: SiteConfig;
} = {}): CheckContext {
  return { host, siteName: 'shop', site, now: new Date('2026-11-22T02:45:00Z') };
}

/** Parse step outputs with `check`, its params validated (and defaulted) by its own schema. */
export function runCheck<P>(
  check: HostCheck<P>,
  outputs: StepOutputs,
  params: unknown = {},
  ctx: CheckContext = checkContext(),
): Finding[] {
  return check.parse(outputs, check.params.parse(params), ctx);
}

/** The findings of one kind, typed. */
export function findingsOf<K extends FindingKind>(
  findings: Finding[],
  kind: K,
): Extract<Finding, { kind: K }>[] {
  return findings.filter((f): f is Extract<Finding, { kind: K }> => isKind(f, kind));
}

/** The first finding of one kind, typed (throws when there is none, so tests say what was missing). */
export function findingOf<K extends FindingKind>(
  findings: Finding[],
  kind: K,
): Extract<Finding, { kind: K }> {
  const f = findingsOf(findings, kind)[0];
  if (!f) throw new Error(`no ${kind} finding among ${findings.map((x) => x.kind).join(', ') || 'none'}`);
  return f;
}

/** A finding's facts as a plain record, for tests that compare fields across kinds. */
export function dataOf(f: Finding | undefined): Record<string, unknown> {
  return (f?.data ?? {}) as unknown as Record<string, unknown>;
}

/** A hand-made finding for rule tests that need only some of its facts. */
export function fakeFinding<K extends FindingKind>(
  kind: K,
  data: Partial<FindingData[K]>,
  o: {
    check?: string;
    host?: string;
    severity?: Finding['severity'];
    summary?: string;
    evidence?: string[];
  } = {},
): Finding {
  return {
    check: o.check ?? kind,
    host: o.host ?? 'web1',
    kind,
    severity: o.severity ?? 'critical',
    summary: o.summary ?? kind,
    evidence: o.evidence ?? [],
    data,
  } as unknown as Finding;
}

/** The proposals a diagnosis's intents become (as the engine makes them), without repeats. */
export function proposalsOf(d: { causes: DiagnosedCause[] }): ProposedAction[] {
  const all = d.causes.flatMap((c) => c.intents.flatMap((i) => proposeIntent(i) ?? []));
  return [...new Map(all.map((a) => [a.id, a])).values()];
}
