import type { CheckContext, HostCheck, Sampling, StepOutputs } from '../checks/check.js';
import { blindKinds } from '../diagnosis/blindSpots.js';
import { isMedicError, MedicError, toSafeError } from '../errors.js';
import { type Finding, severityRank } from '../model/finding.js';
import type { HostConfig, SiteConfig } from '../model/inventory.js';
import type { ProgressListener } from '../model/progress.js';
import type { CheckRun } from '../model/report.js';
import type { ContainerEngine, Transport } from '../ports.js';
import type { CheckTask } from './planRun.js';
import type { RunDeps } from './runDeps.js';

/** Transport errors that mean the host as a whole is out of reach (not one command). */
const hostLevel = new Set([
  'transport.refused',
  'transport.unreachable',
  'transport.connect-timeout',
  'transport.auth',
  'transport.hostkey',
  'transport.dns',
  'transport.config',
]);

/** The key of a task: two plans of the same check, host and params run it once. */
export const taskKey = (t: CheckTask) => `${t.check.id}|${t.host}|${JSON.stringify(t.params)}`;

/** What one task left: its row of the per-check table, its findings, and (host checks) its outputs. */
interface TaskResult {
  run: CheckRun;
  found: Finding[];
  outputs?: StepOutputs;
  /** The commands it ran, to tell whether the site as discovered needs other ones. */
  steps?: string;
}

/**
 * A check's status in the per-check table: what it found, except that a check that could not
 * look (a blind spot) is an `error`, never `ok`.
 */
function statusOf(findings: Finding[]): { status: CheckRun['status']; error?: CheckRun['error'] } {
  const blind = findings.find((f) => blindKinds.has(f.kind));
  // A tool that is not installed: nothing to look at here (whether that matters, the diagnosis says).
  if (blind && findings.every((f) => f.kind === 'tool-missing'))
    return { status: 'skipped', error: { code: 'check.tool-missing', message: blind.summary } };
  if (blind) return { status: 'error', error: { code: 'check.blind', message: blind.summary } };
  const worst = Math.max(0, ...findings.map((f) => severityRank[f.severity]));
  return { status: worst >= 3 ? 'critical' : worst === 2 ? 'warn' : 'ok' };
}

/** The steps whose command ran out of time, in the check's own order. */
const timedOutSteps = (steps: readonly { id: string }[], outputs: StepOutputs) =>
  steps.filter((s) => outputs[s.id]?.timedOut).map((s) => s.id);

/**
 * What a host check's outputs say: its parser's findings, plus a blind spot for each step that
 * ran out of time (something the check did not see, whatever its parser made of it). The first
 * run and every re-parse for the site as discovered judge the same way.
 */
function judge(
  check: HostCheck<unknown>,
  outputs: StepOutputs,
  params: unknown,
  ctx: CheckContext,
): Finding[] {
  const found = check.parse(outputs, params, ctx);
  const timedOut = timedOutSteps(check.steps(params, ctx), outputs);
  if (timedOut.length > 0 && !found.some((f) => blindKinds.has(f.kind))) {
    found.push({
      check: check.id,
      host: ctx.host,
      kind: 'check-error',
      severity: 'warn',
      summary: `${check.id} on ${ctx.host}: ${timedOut.join(', ')} timed out`,
      evidence: [],
      data: { code: 'check.timeout' },
    });
  }
  return found;
}

/** Runs check tasks on their hosts, one transport and container engine per host, and collects results. */
export class TaskRunner {
  private readonly results = new Map<string, TaskResult>();
  /** Findings about hosts as a whole (out of reach), not about one task. */
  private readonly hostFindings: Finding[] = [];
  private readonly transports = new Map<string, Transport>();
  private readonly engines = new Map<string, ContainerEngine>();
  private readonly failedHosts = new Set<string>();
  private done = 0;
  total = 0;

  constructor(
    private readonly siteName: string,
    private readonly hosts: Record<string, HostConfig>,
    private readonly deps: RunDeps,
    private readonly now: Date,
    private readonly onProgress?: ProgressListener,
  ) {}

  transportFor(host: string): Transport {
    let t = this.transports.get(host);
    if (!t) {
      const cfg = this.hosts[host];
      if (!cfg) throw new Error(`host ${host} is not in the inventory`);
      t = this.deps.transports.open(host, cfg);
      this.transports.set(host, t);
    }
    return t;
  }

  private engineFor(host: string): ContainerEngine {
    let e = this.engines.get(host);
    if (!e) {
      const cfg = this.hosts[host];
      if (!cfg) throw new Error(`host ${host} is not in the inventory`);
      if (!this.deps.containers)
        throw new MedicError('docker.unavailable', 'no container engine support configured');
      e = this.deps.containers.open(host, cfg, this.transportFor(host));
      this.engines.set(host, e);
    }
    return e;
  }

  get findings(): Finding[] {
    return [...this.hostFindings, ...[...this.results.values()].flatMap((r) => r.found)];
  }

  get checks(): CheckRun[] {
    return [...this.results.values()].map((r) => r.run);
  }

  private finish(key: string, result: TaskResult) {
    this.results.set(key, result);
    this.done++;
    this.onProgress?.({ type: 'check-finished', run: result.run, done: this.done, total: this.total });
  }

  /**
   * What to do with a task planned again for the site as discovered: nothing new to run when it
   * ran the same commands (its outputs are parsed again with the site as now known, e.g. the
   * firewall judged for the ports the chain found); run it when it did not run or now needs other
   * commands (it then replaces the earlier result).
   */
  revisit(task: CheckTask, site: SiteConfig): 'run' | 'reparsed' | 'same' {
    const prev = this.results.get(taskKey(task));
    if (!prev) return 'run';
    if (task.check.scope !== 'host' || !prev.outputs) return 'same';
    const ctx = this.context(task, site);
    if (JSON.stringify(task.check.steps(task.params, ctx)) !== prev.steps) return 'run';
    try {
      const found = judge(task.check, prev.outputs, task.params, ctx);
      // The status and its error are judged afresh: an error of the first parse does not linger.
      const { error: _firstError, ...run } = prev.run;
      this.results.set(taskKey(task), { ...prev, found, run: { ...run, ...statusOf(found) } });
    } catch {
      // the first parse stands
    }
    return 'reparsed';
  }

  private context(task: CheckTask, site: SiteConfig): CheckContext {
    return { host: task.host, siteName: this.siteName, site, now: this.now };
  }

  /** Run one task against the site as it is known now; nothing here throws. */
  async run(task: CheckTask, site: SiteConfig, sampling?: Sampling): Promise<void> {
    const started = Date.now();
    const ctx = this.context(task, site);
    const base = { check: task.check.id, host: task.host };
    const key = taskKey(task);
    try {
      let found: Finding[];
      let host: Pick<TaskResult, 'outputs' | 'steps'> = {};
      let note: { note?: string } = {};
      if (task.check.scope === 'site') {
        found = await task.check.run(task.params, ctx, {
          http: this.deps.http,
          ...(sampling ? { sampling } : {}),
        });
      } else if (task.check.scope === 'container') {
        found = await task.check.run(task.params, ctx, {
          containers: this.engineFor(task.host),
          now: this.now,
        });
      } else {
        const r = await this.runHostCheck(task.check, task.params, ctx);
        found = r.found;
        host = { outputs: r.outputs, steps: r.steps };
        if (r.note) note = { note: r.note };
      }
      this.finish(key, {
        run: { ...base, ...statusOf(found), durationMs: Date.now() - started, ...note },
        found,
        ...host,
      });
    } catch (err) {
      const safe = toSafeError(err, 'check.failed');
      const durationMs = Date.now() - started;
      if (isMedicError(err) && hostLevel.has(err.code)) {
        if (!this.failedHosts.has(task.host)) {
          this.failedHosts.add(task.host);
          this.onProgress?.({ type: 'host-failed', host: task.host, ...safe });
          this.hostFindings.push({
            check: 'connection',
            host: task.host,
            kind: 'host-unreachable',
            severity: 'critical',
            summary: `cannot reach ${task.host}: ${safe.message}`,
            evidence: [`${task.host}: ${safe.message}`],
            data: { code: safe.code },
          });
        }
        this.finish(key, { run: { ...base, status: 'skipped', durationMs, error: safe }, found: [] });
        return;
      }
      this.deps.logger.warn({ err, check: task.check.id, host: task.host }, 'check failed');
      const finding: Finding = {
        check: task.check.id,
        host: task.host,
        kind: 'check-error',
        severity: 'warn',
        summary: `${task.check.id} on ${task.host} could not run: ${safe.message}`,
        evidence: [],
        data: { code: safe.code },
      };
      this.finish(key, { run: { ...base, status: 'error', durationMs, error: safe }, found: [finding] });
    }
  }

  private async runHostCheck(
    check: HostCheck<unknown>,
    params: unknown,
    ctx: CheckContext,
  ): Promise<{ found: Finding[]; outputs: StepOutputs; steps: string; note?: string }> {
    const host = this.hosts[ctx.host];
    const transport = this.transportFor(ctx.host);
    const steps = check.steps(params, ctx);
    const outputs: StepOutputs = {};
    await Promise.all(
      steps.map(async (step) => {
        outputs[step.id] = await transport.exec(step.command, {
          timeoutMs: step.timeoutMs ?? host?.commandTimeoutMs ?? 10_000,
          ...(step.privileged ? { privileged: true } : {}),
          ...(step.asUser ? { asUser: step.asUser } : {}),
          batch: true,
        });
      }),
    );
    const timedOut = timedOutSteps(steps, outputs);
    if (steps.length > 0 && timedOut.length === steps.length) {
      throw new MedicError('check.timeout', `timed out (${timedOut.join(', ')})`);
    }
    const found = judge(check, outputs, params, ctx);
    const fallback = Object.values(outputs).find((o) => o.fallback)?.fallback;
    return { found, outputs, steps: JSON.stringify(steps), ...(fallback ? { note: fallback } : {}) };
  }

  async close(): Promise<void> {
    await Promise.all([...this.transports.values()].map((t) => t.close().catch(() => undefined)));
  }

  /** Start connecting to these hosts now (failures surface on the first command). */
  warm(hosts: Iterable<string>): void {
    for (const h of hosts) this.transportFor(h).warm?.();
  }
}
