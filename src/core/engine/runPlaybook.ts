import type { CheckContext, HostCheck, StepOutputs } from '../checks/check.js';
import { isMedicError, MedicError, toSafeError } from '../errors.js';
import { type Finding, severityRank } from '../model/finding.js';
import type { HostConfig, SiteConfig } from '../model/inventory.js';
import type { CheckRun } from '../model/report.js';
import type {
  Clock,
  ContainerEngine,
  ContainerEngineFactory,
  HttpProber,
  Logger,
  Transport,
  TransportFactory,
} from '../ports.js';
import type { CheckTask } from './planRun.js';
import type { ProgressListener } from './progress.js';

export interface RunDeps {
  transports: TransportFactory;
  http: HttpProber;
  /** Container engines per host (Docker); without it, container checks report an error. */
  containers?: ContainerEngineFactory;
  clock: Clock;
  logger: Logger;
}

export interface RunInput {
  siteName: string;
  site: SiteConfig;
  hosts: Record<string, HostConfig>;
  tasks: CheckTask[];
}

export interface RunOutput {
  findings: Finding[];
  checks: CheckRun[];
}

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

function statusOf(findings: Finding[]): CheckRun['status'] {
  const worst = Math.max(0, ...findings.map((f) => severityRank[f.severity]));
  return worst >= 3 ? 'critical' : worst === 2 ? 'warn' : 'ok';
}

/**
 * Run the tasks: hosts concurrently, the checks of one host concurrently (the transport bounds
 * its channels). A dead host costs its connect timeout, never more; nothing here throws.
 */
export async function runPlaybook(
  input: RunInput,
  deps: RunDeps,
  onProgress?: ProgressListener,
): Promise<RunOutput> {
  const findings: Finding[] = [];
  const checks: CheckRun[] = [];
  const transports = new Map<string, Transport>();
  const failedHosts = new Map<string, { code: string; message: string }>();
  const now = deps.clock.now();
  let done = 0;

  const transportFor = (host: string): Transport => {
    let t = transports.get(host);
    if (!t) {
      const cfg = input.hosts[host];
      if (!cfg) throw new Error(`host ${host} is not in the inventory`);
      t = deps.transports.open(host, cfg);
      transports.set(host, t);
    }
    return t;
  };

  const engines = new Map<string, ContainerEngine>();
  const engineFor = (host: string): ContainerEngine => {
    let e = engines.get(host);
    if (!e) {
      const cfg = input.hosts[host];
      if (!cfg) throw new Error(`host ${host} is not in the inventory`);
      if (!deps.containers)
        throw new MedicError('docker.unavailable', 'no container engine support configured');
      e = deps.containers.open(host, cfg, transportFor(host));
      engines.set(host, e);
    }
    return e;
  };

  const finish = (run: CheckRun, found: Finding[]) => {
    checks.push(run);
    findings.push(...found);
    done++;
    onProgress?.({ type: 'check-finished', run, done, total: input.tasks.length });
  };

  const runTask = async (task: CheckTask) => {
    const started = Date.now();
    const ctx: CheckContext = { host: task.host, siteName: input.siteName, site: input.site, now };
    const base = { check: task.check.id, host: task.host };
    try {
      if (task.check.scope === 'site') {
        const found = await task.check.run(task.params, ctx, { http: deps.http });
        finish({ ...base, status: statusOf(found), durationMs: Date.now() - started }, found);
        return;
      }
      if (task.check.scope === 'container') {
        const found = await task.check.run(task.params, ctx, { containers: engineFor(task.host), now });
        finish({ ...base, status: statusOf(found), durationMs: Date.now() - started }, found);
        return;
      }
      const found = await runHostCheck(
        task.check,
        task.params,
        ctx,
        transportFor(task.host),
        input.hosts[task.host],
      );
      finish({ ...base, status: statusOf(found), durationMs: Date.now() - started }, found);
    } catch (err) {
      const safe = toSafeError(err, 'check.failed');
      const durationMs = Date.now() - started;
      if (isMedicError(err) && hostLevel.has(err.code)) {
        if (!failedHosts.has(task.host)) {
          failedHosts.set(task.host, safe);
          onProgress?.({ type: 'host-failed', host: task.host, ...safe });
          findings.push({
            check: 'connection',
            host: task.host,
            kind: 'host-unreachable',
            severity: 'critical',
            summary: `cannot reach ${task.host}: ${safe.message}`,
            evidence: [`${task.host}: ${safe.message}`],
            data: { code: safe.code },
          });
        }
        finish({ ...base, status: 'skipped', durationMs, error: safe }, []);
        return;
      }
      deps.logger.warn({ err, check: task.check.id, host: task.host }, 'check failed');
      const finding: Finding = {
        check: task.check.id,
        host: task.host,
        kind: 'check-error',
        severity: 'warn',
        summary: `${task.check.id} on ${task.host} could not run: ${safe.message}`,
        evidence: [],
        data: { code: safe.code },
      };
      finish({ ...base, status: 'error', durationMs, error: safe }, [finding]);
    }
  };

  try {
    // Connect to every host now, probe the site meanwhile: the probe makes the gateway log a
    // fresh error line, which the host checks that follow then read.
    for (const host of new Set(input.tasks.filter((t) => t.check.scope !== 'site').map((t) => t.host))) {
      transportFor(host).warm?.();
    }
    const first = (t: CheckTask) =>
      t.check.scope === 'site' || (t.check.scope === 'host' && t.check.probe === true);
    await Promise.all(input.tasks.filter(first).map(runTask));
    await Promise.all(input.tasks.filter((t) => !first(t)).map(runTask));
  } finally {
    await Promise.all([...transports.values()].map((t) => t.close().catch(() => undefined)));
  }
  return { findings, checks };
}

async function runHostCheck(
  check: HostCheck<unknown>,
  params: unknown,
  ctx: CheckContext,
  transport: Transport,
  host: HostConfig | undefined,
): Promise<Finding[]> {
  const steps = check.steps(params, ctx);
  const outputs: StepOutputs = {};
  await Promise.all(
    steps.map(async (step) => {
      outputs[step.id] = await transport.exec(step.command, {
        timeoutMs: step.timeoutMs ?? host?.commandTimeoutMs ?? 10_000,
        ...(step.privileged ? { privileged: true } : {}),
        ...(step.asUser ? { asUser: step.asUser } : {}),
      });
    }),
  );
  // Parsers handle a timed-out step (it is one fact among others); only a check whose every
  // step timed out has nothing to say.
  const timedOut = steps.filter((s) => outputs[s.id]?.timedOut);
  if (steps.length > 0 && timedOut.length === steps.length) {
    throw new MedicError('check.timeout', `timed out (${timedOut.map((s) => s.id).join(', ')})`);
  }
  return check.parse(outputs, params, ctx);
}
