import { z } from 'zod';
import { MedicError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { ContainerEngine, LogLine } from '../ports.js';
import { type CheckContext, type ContainerCheck, finder, sanitizeLine } from './check.js';
import {
  type ContainerState,
  describeContainer,
  parseDockerInspect,
  parseDockerStats,
} from './parseDockerInspect.js';

export const dockerContainerParams = z
  .object({
    /** Container name. */
    container: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a container name')
      .optional(),
    /** Or a label selector `key=value`. */
    label: z
      .string()
      .regex(/^[^=\s]+=[^\s]*$/, 'a label selector key=value')
      .optional(),
    /** Or its id (how the chain finds the container behind a listener's cgroup). */
    id: z
      .string()
      .regex(/^[0-9a-f]{12,64}$/, 'a container id')
      .optional(),
    /** Or the host port it publishes (how the chain finds it behind Docker's port proxy). */
    publishedPort: z.number().int().min(1).max(65535).optional(),
    /** The port nginx proxies to for this container (a published host port). */
    port: z.number().int().min(1).max(65535).optional(),
    logLines: z.number().int().min(0).max(500).default(20),
    /** Restarts within this many minutes of the last start count as a restart loop. */
    flapMinutes: z.number().int().positive().default(10),
  })
  .strict()
  .refine(
    (p) => [p.container, p.label, p.id, p.publishedPort].filter((x) => x !== undefined).length === 1,
    'give exactly one of container, label, id or publishedPort',
  );
export type DockerContainerParams = z.infer<typeof dockerContainerParams>;

/** Pure: one container's findings from its inspect, stats and last log lines. */
export function containerFindings(
  s: ContainerState,
  stats: { usage: number; limit: number } | null,
  logs: LogLine[],
  p: DockerContainerParams,
  ctx: Pick<CheckContext, 'host'>,
  now: Date,
  oomEvents = 0,
): Finding[] {
  const f = finder('docker-container', ctx.host);
  const logEvidence = logs.slice(-5).map((l) => `${s.name} ${l.stream}: ${l.text}`);
  const startedMinAgo = s.startedAt
    ? (now.getTime() - Date.parse(s.startedAt)) / 60_000
    : Number.POSITIVE_INFINITY;
  const flapping = s.restarting || (s.restartCount >= 3 && startedMinAgo <= p.flapMinutes);
  const unhealthy = s.health?.status === 'unhealthy';
  const healthLine = s.health
    ? `${s.name} health: ${s.health.status} (failing streak ${s.health.failingStreak})${s.health.lastOutput ? `: ${s.health.lastOutput.split('\n').filter(Boolean).join(' / ')}` : ''}`
    : null;
  const severity = !s.running || flapping || unhealthy ? 'critical' : s.restartCount > 0 ? 'warn' : 'ok';
  const summary = s.restarting
    ? `${s.name} is restarting (restart ${s.restartCount})`
    : !s.running
      ? `${s.name} is ${s.status} (exit ${s.exitCode}${s.oomKilled ? ', OOM killed' : ''})`
      : unhealthy
        ? `${s.name} is running but unhealthy`
        : `${s.name} is running${s.health ? ` (${s.health.status})` : ''}`;
  const memory = stats && stats.limit > 0 ? { memUsage: stats.usage, memLimit: stats.limit } : {};
  const out: Finding[] = [
    f(
      'container-state',
      severity,
      summary,
      [
        describeContainer(s),
        ...(oomEvents > 0
          ? [`${s.name}: the engine recorded ${oomEvents} oom event(s) since it started`]
          : []),
        ...(healthLine ? [healthLine] : []),
        ...logEvidence,
      ],
      {
        ...s,
        flapping,
        unhealthy,
        oomEvents,
        ...memory,
        logs: logs.slice(-p.logLines).map((l) => sanitizeLine(l.text)),
      },
    ),
  ];
  if (stats && stats.limit > 0 && s.memoryLimit > 0 && stats.usage / stats.limit >= 0.9) {
    const pct = Math.round((stats.usage / stats.limit) * 100);
    out.push(
      f(
        'container-memory',
        'warn',
        `${s.name} uses ${pct}% of its memory limit`,
        [`${s.name}: memory ${stats.usage} of ${stats.limit} bytes (${pct}%)`],
        {
          name: s.name,
          usage: stats.usage,
          limit: stats.limit,
          percent: pct,
        },
      ),
    );
  }
  if (p.port !== undefined && s.running && !s.ports.some((x) => x.hostPort === p.port)) {
    const published = s.ports.map(
      (x) => `${x.hostIp || '0.0.0.0'}:${x.hostPort}->${x.containerPort}/${x.protocol}`,
    );
    out.push(
      f(
        'container-port-mismatch',
        'critical',
        `${s.name} does not publish port ${p.port} (publishes ${published.join(', ') || 'nothing'})`,
        [`${s.name}: upstream port ${p.port}; published: ${published.join(', ') || 'none'}`],
        { name: s.name, port: p.port, published: s.ports },
      ),
    );
  }
  return out;
}

async function findIds(engine: ContainerEngine, p: DockerContainerParams): Promise<string[]> {
  const filter = p.container
    ? { name: p.container }
    : p.label
      ? { label: p.label }
      : p.id
        ? { id: p.id }
        : { publish: p.publishedPort as number };
  const list = await engine.list(filter);
  return list
    .map((c) => (c as { Id?: string; Names?: string[] }) ?? {})
    .filter((c) => !p.container || (c.Names ?? []).includes(`/${p.container}`))
    .map((c) => c.Id)
    .filter((id): id is string => typeof id === 'string');
}

export const dockerContainer: ContainerCheck<DockerContainerParams> = {
  scope: 'container',
  id: 'docker-container',
  title: 'Docker container state',
  params: dockerContainerParams as unknown as z.ZodType<DockerContainerParams>,
  async run(p, ctx, { containers, now }) {
    const f = finder('docker-container', ctx.host);
    const what =
      p.container ??
      (p.label ? `label ${p.label}` : p.id ? `id ${p.id}` : `publishing port ${p.publishedPort}`);
    const ids = await findIds(containers, p);
    if (ids.length === 0) {
      return [
        f(
          'container-missing',
          'critical',
          `no container ${what} on ${ctx.host}`,
          [`${ctx.host}: no container matches ${what}`],
          { selector: what },
        ),
      ];
    }
    const findings: Finding[] = [];
    for (const id of ids) {
      const s = parseDockerInspect(await containers.inspect(id));
      if (!s)
        throw new MedicError(
          'docker.unparseable',
          `the Docker engine on ${ctx.host} answered an unexpected inspect`,
        );
      const [stats, logs] = await Promise.all([
        s.running
          ? containers
              .stats(id)
              .then(parseDockerStats)
              .catch(() => null)
          : Promise.resolve(null),
        p.logLines > 0 ? containers.logs(id, p.logLines, s.tty).catch(() => []) : Promise.resolve([]),
      ]);
      findings.push(...containerFindings(s, stats, logs, p, ctx, now));
    }
    return findings;
  },
};
