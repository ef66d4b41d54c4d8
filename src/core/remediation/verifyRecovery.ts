import type { Report } from '../model/report.js';
import type { Clock } from '../ports.js';

export interface VerifyDeps {
  /** The site's probe through the gateway: true when it answers without a server error. */
  probe(): Promise<boolean>;
  /** A fresh diagnosis of the site (stored like any other). */
  diagnose(): Promise<Report>;
  clock: Clock;
  sleep(ms: number): Promise<void>;
}

export interface Verification {
  recovered: boolean;
  /** From the start of verification to the first healthy diagnosis (or to giving up). */
  seconds: number;
  attempts: number;
  /** The last diagnosis: on failure it carries the next steps (e.g. rollback). */
  report: Report | undefined;
}

/**
 * After an action: probe until the site answers, then diagnose to make sure the causes the
 * action targeted are gone; repeat until that holds or `timeoutMs` passes. A site that still
 * fails at the end gets one last diagnosis, so the next step is offered on current evidence.
 */
export async function verifyRecovery(
  deps: VerifyDeps,
  o: { timeoutMs: number; intervalMs: number; causeIds: readonly string[] },
): Promise<Verification> {
  const t0 = deps.clock.now().getTime();
  const elapsed = () => deps.clock.now().getTime() - t0;
  let attempts = 0;
  let report: Report | undefined;
  while (true) {
    attempts++;
    if (await deps.probe()) {
      report = await deps.diagnose();
      if (recoveredBy(report, o.causeIds))
        return { recovered: true, seconds: elapsed() / 1000, attempts, report };
    }
    if (elapsed() + o.intervalMs > o.timeoutMs) break;
    await deps.sleep(o.intervalMs);
  }
  report = await deps.diagnose();
  return { recovered: recoveredBy(report, o.causeIds), seconds: elapsed() / 1000, attempts, report };
}

/**
 * One rule, in the loop and at the end: the site's own probe check passes (its healthy statuses,
 * not merely "no server error") and none of the targeted causes is still found.
 */
export function recoveredBy(report: Report, causeIds: readonly string[]): boolean {
  const probe = report.findings.find((f) => f.kind === 'site-probe');
  const probeOk = probe ? probe.severity === 'ok' : report.status === 'healthy';
  const lingering = report.causes.some((c) => causeIds.includes(c.id) && c.confidence >= 0.5);
  return probeOk && report.status !== 'down' && !lingering;
}
