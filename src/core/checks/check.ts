import type { z } from 'zod';
import type { Command } from '../command.js';
import type { Finding, FindingData, FindingKind, Severity } from '../model/finding.js';
import type { SiteConfig } from '../model/inventory.js';
import type { ContainerEngine, ExecResult, HttpProber } from '../ports.js';
import { redactSecrets } from '../redact.js';

/** What a check knows about where it runs. */
export interface CheckContext {
  /** Inventory name of the host the check runs on (or the site name for site checks). */
  host: string;
  siteName: string;
  site: SiteConfig;
  /** Medic's clock at the start of the run. */
  now: Date;
}

/** One command a host check runs. Outputs are handed to `parse` keyed by `id`. */
export interface CheckStep {
  id: string;
  command: Command;
  privileged?: boolean;
  asUser?: string;
  timeoutMs?: number;
}

export type StepOutputs = Record<string, ExecResult>;

/** A check that runs commands on a host and parses their output. `parse` must be pure. */
export interface HostCheck<P = unknown> {
  scope: 'host';
  id: string;
  title: string;
  /** Reads a log: waits for the site's first probe, whose failure is the freshest line to read. */
  logReader?: boolean;
  /** Strict zod schema of the check's YAML parameters (merged from playbook and service). */
  params: z.ZodType<P>;
  steps(params: P, ctx: CheckContext): CheckStep[];
  parse(outputs: StepOutputs, params: P, ctx: CheckContext): Finding[];
}

/** A check that runs from Medic itself (e.g. the probe through the gateway). */
export interface SiteCheck<P = unknown> {
  scope: 'site';
  id: string;
  title: string;
  params: z.ZodType<P>;
  run(params: P, ctx: CheckContext, deps: { http: HttpProber; sampling?: Sampling }): Promise<Finding[]>;
}

/** How a site check spreads its probes over a run (the engine provides it). */
export interface Sampling {
  /** Resolves when the host checks are done. */
  until: Promise<void>;
  /** Called once the first probe answered: log readers may start. */
  onFirst(): void;
  sleep(ms: number): Promise<void>;
}

/** A check that asks a host's container engine (Docker Engine API) rather than running commands. */
export interface ContainerCheck<P = unknown> {
  scope: 'container';
  id: string;
  title: string;
  params: z.ZodType<P>;
  run(params: P, ctx: CheckContext, deps: { containers: ContainerEngine; now: Date }): Promise<Finding[]>;
}

export type Check<P = unknown> = HostCheck<P> | SiteCheck<P> | ContainerCheck<P>;

/**
 * Helper for building findings with the check id and host filled in. Summaries and evidence
 * lines come from remote hosts: secrets are redacted and control characters (terminal escapes)
 * removed here, once, before anything is rendered, stored or logged.
 */
export function finder(check: string, host: string) {
  return <K extends FindingKind>(
    kind: K,
    severity: Severity,
    summary: string,
    evidence: string[],
    data: FindingData[K],
  ): Finding<K> =>
    ({
      check,
      host,
      kind,
      severity,
      summary: sanitizeLine(summary),
      evidence: evidence.map(sanitizeLine),
      data,
    }) as Finding<K>;
}

/** The finder of one check on one host. */
export type Find = ReturnType<typeof finder>;

/** Redact secrets and drop control characters (keeping tabs) from one line of remote text. */
export function sanitizeLine(line: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return redactSecrets(line.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, ''));
}

/** The output of a step, or a clear error when the step did not produce one. */
export function stepOutput(outputs: StepOutputs, id: string): ExecResult {
  const out = outputs[id];
  if (!out) throw new Error(`step ${id} produced no output`);
  return out;
}
