/**
 * Small helpers for check tests: captured fixtures, step results, a check context, and running a
 * check's parser the way the runner does (params through the check's own schema).
 */
import { readFileSync } from 'node:fs';
import type { CheckContext, HostCheck, StepOutputs } from '../../src/core/checks/check.js';
import type { Finding } from '../../src/core/model/finding.js';
import { type SiteConfig, siteSchema } from '../../src/core/model/inventory.js';
import type { ExecResult } from '../../src/core/ports.js';

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
