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
 * Run a playbook in two phases, every host concurrently: the declared tasks at once (topology
 * checks among them: gateway config, listeners, services), the site probed all along; then,
 * from the topology, the tasks for what the chain reveals (owners of the listeners, who should
 * listen where nobody does, the gateways' error logs, direct probes). A dead host costs its
 * connect timeout, never more; nothing here throws.
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
  const probed = new Promise<void>((r) => {
    firstProbe = r;
  });
  const sampling: Sampling = { until, onFirst: () => firstProbe(), sleep };
  const siteTasks = input.tasks.filter((t) => t.check.scope === 'site');
  if (siteTasks.length === 0) firstProbe();
  const hostTasks = (tasks: CheckTask[]) => tasks.filter((t) => t.check.scope !== 'site');
  const runHosts = (tasks: CheckTask[], site: SiteConfig) =>
    Promise.all(
      hostTasks(tasks).map(async (t) => {
        if (readsLogs(t)) await probed;
        await runner.run(t, site);
      }),
    );

  let topology: SiteTopology = { gateways: [], links: [] };
  let site = input.site;
  try {
    runner.warm(new Set(hostTasks(input.tasks).map((t) => t.host)));
    // A probe check that throws before its first answer must not hold the log readers forever.
    const probes = Promise.all(siteTasks.map((t) => runner.run(t, input.site, sampling).finally(firstProbe)));
    const hosts = (async () => {
      await runHosts(input.tasks, input.site);
      const topologyInput = {
        siteName: input.siteName,
        site: input.site,
        hosts: siteHosts(input),
        findings: runner.findings,
      };
      topology = buildTopology(topologyInput);
      if (!input.replan) return;
      site = discoveredSite(input.site, topology);
      let replanned: CheckTask[] = [];
      try {
        replanned = input.replan(site);
      } catch (err) {
        // A discovered service the playbook's checks refuse is a bug of discovery, not a failed run.
        deps.logger.warn({ err, site: input.siteName }, 'could not plan the checks the topology names');
      }
      // Tasks that ran the same commands are parsed again for the site as now known; the rest run.
      const unique = [...new Map(hostTasks(replanned).map((t) => [taskKey(t), t])).values()];
      const more = unique.filter((t) => runner.revisit(t, site) === 'run');
      if (more.length === 0) return;
      runner.total += more.length;
      onProgress?.({ type: 'checks-added', total: runner.total, perHost: perHost(more) });
      runner.warm(new Set(more.map((t) => t.host)));
      await runHosts(more, site);
    })().finally(hostsDone);
    await Promise.all([probes, hosts]);
    // The second phase may have found more: the topology is rebuilt from everything seen.
    topology = buildTopology({
      siteName: input.siteName,
      site,
      hosts: siteHosts(input),
      findings: runner.findings,
    });
  } finally {
    await runner.close();
  }
  return { findings: runner.findings, checks: runner.checks, topology, site };
}

/** The inventory hosts a site's chain may cross: its own hosts and those its upstreams name. */
function siteHosts(input: RunInput): Record<string, HostConfig> {
  const names = new Set([
    ...input.site.hosts,
    ...input.site.upstreams.flatMap((u) => (u.host ? [u.host] : [])),
  ]);
  return Object.fromEntries(Object.entries(input.hosts).filter(([name]) => names.has(name)));
}
