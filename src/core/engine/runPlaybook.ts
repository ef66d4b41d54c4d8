import type { Sampling } from '../checks/check.js';
import { buildTopology } from '../diagnosis/topology/buildTopology.js';
import type { Finding } from '../model/finding.js';
import type { HostConfig, SiteConfig } from '../model/inventory.js';
import type { ProgressListener } from '../model/progress.js';
import type { CheckRun } from '../model/report.js';
import type { SiteTopology } from '../model/topology.js';
import { discoveredSite } from './discover.js';
import type { CheckTask } from './planRun.js';
import type { RunDeps } from './runDeps.js';
import { TaskRunner, taskKey } from './taskRunner.js';

export type { RunDeps } from './runDeps.js';

export interface RunInput {
  siteName: string;
  site: SiteConfig;
  hosts: Record<string, HostConfig>;
  tasks: CheckTask[];
  /** The tasks for the site as the topology reveals it (same playbook); absent: no second phase. */
  replan?: (site: SiteConfig) => CheckTask[];
}

export interface RunOutput {
  findings: Finding[];
  checks: CheckRun[];
  topology: SiteTopology;
  /** The site as the run came to know it: declared plus discovered services, gateways, upstreams. */
  site: SiteConfig;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Checks that read logs wait for the first probe: its failure is the freshest line they can read. */
const readsLogs = (t: CheckTask) =>
  t.check.scope === 'host' && (t.check.logReader === true || t.check.id === 'nginx-errors');

function perHost(tasks: CheckTask[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) out[t.host] = (out[t.host] ?? 0) + 1;
  return out;
}

/**
 * How long a log reader waits for the site's first probe answer before it reads anyway: the
 * line a refused request leaves is in the log within milliseconds of its answer. A reader that
 * went before the answer reads again once it comes (a timeout's line is written when it ends).
 */
export const FIRST_PROBE_WAIT_MS = 1000;

/**
 * Run a playbook, every host concurrently and none waiting for another: the declared tasks at
 * once (topology checks among them: gateway config, listeners, services), the site probed all
 * along. Each time a host has answered all its declared tasks, the topology is rebuilt from what
 * is known and the tasks for what the chain reveals start (owners of the listeners, who should
 * listen where nobody does, the gateways' error logs, direct probes): a slow host holds back
 * only the links that cross it. When everything has answered, the site as finally known plans
 * once more: tasks not run yet run, and those that ran are parsed again for it (or run again
 * when it needs other commands). A dead host costs its connect timeout; nothing here throws.
 */
export async function runPlaybook(
  input: RunInput,
  deps: RunDeps,
  onProgress?: ProgressListener,
): Promise<RunOutput> {
  const runner = new TaskRunner(input.siteName, input.hosts, deps, deps.clock.now(), onProgress);
  runner.total = input.tasks.length;
  const sleep = deps.sleep ?? realSleep;
  let hostsDone!: () => void;
  const until = new Promise<void>((r) => {
    hostsDone = r;
  });
  let firstProbe!: () => void;
  let answered = false;
  const probed = new Promise<void>((r) => {
    firstProbe = () => {
      answered = true;
      r();
    };
  });
  const logsMayRead = Promise.race([probed, sleep(FIRST_PROBE_WAIT_MS)]);
  const sampling: Sampling = { until, onFirst: () => firstProbe(), sleep };
  const siteTasks = input.tasks.filter((t) => t.check.scope === 'site');
  if (siteTasks.length === 0) firstProbe();
  const declared = hostTasks(input.tasks);

  const started = new Set<string>();
  const running = new Set<Promise<void>>();
  /** Log readers that read before the site's first probe answered: read again after it. */
  const early = new Map<string, CheckTask>();
  const launch = (tasks: CheckTask[], site: SiteConfig, after?: (t: CheckTask) => void) => {
    for (const t of tasks) {
      started.add(taskKey(t));
      const p: Promise<void> = (async () => {
        if (readsLogs(t)) {
          await logsMayRead;
          if (!answered) early.set(taskKey(t), t);
          else early.delete(taskKey(t));
        }
        await runner.run(t, site);
        after?.(t);
      })().finally(() => running.delete(p));
      running.add(p);
    }
  };
  const settled = async () => {
    while (running.size > 0) await Promise.all([...running]);
  };
  const topologyNow = (site: SiteConfig) =>
    buildTopology({ siteName: input.siteName, site, hosts: siteHosts(input), findings: runner.findings });
  /** The tasks the site as the topology now reveals it needs, one per key. */
  const plan = (site: SiteConfig): CheckTask[] => {
    try {
      const tasks = hostTasks(input.replan?.(site) ?? []);
      return [...new Map(tasks.map((t) => [taskKey(t), t])).values()];
    } catch (err) {
      // A discovered service the playbook's checks refuse is a bug of discovery, not a failed run.
      deps.logger.warn({ err, site: input.siteName }, 'could not plan the checks the topology names');
      return [];
    }
  };
  const add = (more: CheckTask[], site: SiteConfig) => {
    if (more.length === 0) return;
    runner.total += more.length;
    onProgress?.({ type: 'checks-added', total: runner.total, perHost: perHost(more) });
    runner.warm(new Set(more.map((t) => t.host)));
    launch(more, site);
  };

  const rereadLogs = async () => {
    if (early.size === 0) return;
    await probed; // at most the probe's own timeout: the report waits for the probe anyway
    const again = [...early.values()];
    early.clear();
    // With the site as finally known: they replace what they read before.
    add(again, site);
    await settled();
  };

  let site = input.site;
  let topology: SiteTopology = { gateways: [], links: [] };
  try {
    runner.warm(new Set(declared.map((t) => t.host)));
    // A probe check that throws before its first answer must not hold the log readers forever.
    const probes = Promise.all(siteTasks.map((t) => runner.run(t, input.site, sampling).finally(firstProbe)));
    const left = perHost(declared);
    // A host that answered all its declared tasks: start what the chain so far names.
    const hostReady = (t: CheckTask) => {
      left[t.host] = (left[t.host] ?? 1) - 1;
      if (left[t.host] !== 0 || !input.replan) return;
      try {
        const known = discoveredSite(input.site, topologyNow(site));
        add(
          plan(known).filter((n) => !started.has(taskKey(n))),
          known,
        );
      } catch (err) {
        // The final plan, once everything has answered, still runs what this one would have.
        deps.logger.warn({ err, site: input.siteName, host: t.host }, 'could not follow the chain early');
      }
    };
    const hosts = (async () => {
      launch(declared, input.site, hostReady);
      await settled();
      if (input.replan) {
        // Everything has answered: the site as finally known.
        site = discoveredSite(input.site, topologyNow(site));
        const final = plan(site);
        add(
          final.filter((t) => !started.has(taskKey(t)) || runner.revisit(t, site) === 'run'),
          site,
        );
        await settled();
      }
      await rereadLogs();
    })().finally(hostsDone);
    await Promise.all([probes, hosts]);
    // What the last tasks found belongs in the topology too.
    topology = topologyNow(site);
  } finally {
    await runner.close();
  }
  return { findings: runner.findings, checks: runner.checks, topology, site };
}

const hostTasks = (tasks: CheckTask[]) => tasks.filter((t) => t.check.scope !== 'site');

/** The inventory hosts a site's chain may cross: its own hosts and those its upstreams name. */
function siteHosts(input: RunInput): Record<string, HostConfig> {
  const names = new Set([
    ...input.site.hosts,
    ...input.site.upstreams.flatMap((u) => (u.host ? [u.host] : [])),
  ]);
  return Object.fromEntries(Object.entries(input.hosts).filter(([name]) => names.has(name)));
}
