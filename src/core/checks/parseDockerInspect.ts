import { z } from 'zod';
import type { ContainerState } from '../model/facts/container.js';

export type { ContainerState };

/** The parts of GET /containers/{id}/json that Medic reads. Unknown fields are ignored. */
const inspectSchema = z.object({
  Id: z.string(),
  Name: z.string(),
  RestartCount: z.number().default(0),
  Config: z
    .object({ Image: z.string().default(''), Tty: z.boolean().default(false) })
    .partial()
    .default({}),
  State: z.object({
    Status: z.string(),
    Running: z.boolean().default(false),
    Restarting: z.boolean().default(false),
    OOMKilled: z.boolean().default(false),
    Dead: z.boolean().default(false),
    ExitCode: z.number().default(0),
    Error: z.string().default(''),
    StartedAt: z.string().default(''),
    FinishedAt: z.string().default(''),
    Health: z
      .object({
        Status: z.string(),
        FailingStreak: z.number().default(0),
        Log: z
          .array(
            z.object({
              ExitCode: z.number().default(0),
              Output: z.string().default(''),
              End: z.string().default(''),
            }),
          )
          .nullable()
          .default([]),
      })
      .optional(),
  }),
  HostConfig: z
    .object({
      Memory: z.number().default(0),
      RestartPolicy: z
        .object({ Name: z.string().default('') })
        .partial()
        .default({}),
    })
    .partial()
    .default({}),
  NetworkSettings: z
    .object({
      Ports: z
        .record(
          z.string(),
          z.array(z.object({ HostIp: z.string().default(''), HostPort: z.string() })).nullable(),
        )
        .nullable()
        .default({}),
    })
    .partial()
    .default({}),
});

/** Parse inspect JSON; null when it is not a container. */
export function parseDockerInspect(raw: unknown): ContainerState | null {
  const r = inspectSchema.safeParse(raw);
  if (!r.success) return null;
  const j = r.data;
  const last = j.State.Health?.Log?.at(-1);
  const ports = Object.entries(j.NetworkSettings.Ports ?? {}).flatMap(([key, binds]) => {
    const [port, protocol = 'tcp'] = key.split('/');
    return (binds ?? []).map((b) => ({
      containerPort: Number(port),
      protocol,
      hostIp: b.HostIp,
      hostPort: Number(b.HostPort),
    }));
  });
  return {
    id: j.Id.slice(0, 12),
    name: j.Name.replace(/^\//, ''),
    image: j.Config.Image ?? '',
    tty: j.Config.Tty ?? false,
    status: j.State.Status,
    running: j.State.Running,
    restarting: j.State.Restarting,
    oomKilled: j.State.OOMKilled,
    exitCode: j.State.ExitCode,
    error: j.State.Error,
    startedAt: j.State.StartedAt,
    finishedAt: j.State.FinishedAt,
    restartCount: j.RestartCount,
    restartPolicy: j.HostConfig.RestartPolicy?.Name ?? '',
    memoryLimit: j.HostConfig.Memory ?? 0,
    health: j.State.Health
      ? {
          status: j.State.Health.Status,
          failingStreak: j.State.Health.FailingStreak,
          lastOutput: (last?.Output ?? '').trim(),
        }
      : null,
    ports,
  };
}

const statsSchema = z.object({
  memory_stats: z
    .object({
      usage: z.number().optional(),
      limit: z.number().optional(),
      stats: z.record(z.string(), z.number()).optional(),
    })
    .default({}),
});

/** Memory in use (without reclaimable file cache, as `docker stats` shows it) and the limit. */
export function parseDockerStats(raw: unknown): { usage: number; limit: number } | null {
  const r = statsSchema.safeParse(raw);
  if (!r.success || r.data.memory_stats.usage === undefined) return null;
  const m = r.data.memory_stats;
  const cache = m.stats?.inactive_file ?? m.stats?.total_inactive_file ?? 0;
  return { usage: (m.usage ?? 0) - cache, limit: m.limit ?? 0 };
}

/** One line a human reads: the container's own account of its state. */
export function describeContainer(s: ContainerState): string {
  return `${s.name}: State=${s.status} ExitCode=${s.exitCode} OOMKilled=${s.oomKilled} RestartCount=${s.restartCount}${s.restartPolicy ? ` RestartPolicy=${s.restartPolicy}` : ''} StartedAt=${s.startedAt}${s.finishedAt && !s.running ? ` FinishedAt=${s.finishedAt}` : ''}${s.error ? ` Error=${s.error}` : ''}`;
}
