import type { ContainerEngine } from '../../ports.js';

interface ImageRow {
  Id?: string;
  RepoTags?: string[] | null;
  Created?: number;
}

/** `registry:5000/shop:v2` → `registry:5000/shop`. */
export function repoOf(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(0, at);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(0, colon) : image;
}

/** The newest tag of the same repository created before the running image. Pure. */
export function previousImage(currentRef: string, currentId: string, images: unknown[]): string | undefined {
  const rows = images as ImageRow[];
  const repo = repoOf(currentRef);
  // By id only: a tag may have moved on to a newer build than the one running.
  const current = rows.find((r) => r.Id === currentId);
  if (!current || current.Created === undefined) return undefined;
  const older = rows
    .filter((r) => r.Id !== current.Id && (r.Created ?? Infinity) < (current.Created as number))
    .sort((a, b) => (b.Created ?? 0) - (a.Created ?? 0));
  for (const r of older) {
    const tag = r.RepoTags?.find((t) => t.startsWith(`${repo}:`));
    if (tag) return tag;
  }
  return undefined;
}

/** The create body of a container like `inspect`, from another image. Pure. */
export function createBodyLike(inspect: Record<string, unknown>, image: string): Record<string, unknown> {
  const config = { ...((inspect.Config ?? {}) as Record<string, unknown>) };
  const id = String(inspect.Id ?? '');
  // The engine sets Hostname to the short id unless one was asked for: let it pick a new one.
  if (typeof config.Hostname === 'string' && id.startsWith(config.Hostname)) delete config.Hostname;
  const networks = ((inspect.NetworkSettings as Record<string, unknown> | undefined)?.Networks ??
    {}) as Record<string, { Aliases?: string[] | null; IPAMConfig?: unknown; Links?: unknown }>;
  const endpoints = Object.fromEntries(
    Object.entries(networks).map(([name, n]) => [
      name,
      {
        ...(n.IPAMConfig ? { IPAMConfig: n.IPAMConfig } : {}),
        ...(n.Links ? { Links: n.Links } : {}),
        ...(n.Aliases ? { Aliases: n.Aliases.filter((a) => !id.startsWith(a)) } : {}),
      },
    ]),
  );
  return {
    ...config,
    Image: image,
    HostConfig: inspect.HostConfig ?? {},
    NetworkingConfig: { EndpointsConfig: endpoints },
  };
}

const stamp = () =>
  `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${Math.random().toString(16).slice(2, 6)}`;

/**
 * Stop `name`, keep it as `name-medic-<time>` with its restart policy off (so a daemon restart
 * does not bring the bad release back beside the new one), create and start `name` from `image`
 * with the same config. If anything fails, the old one is put back as it was and started.
 * Returns the name the old container is kept under.
 */
export async function recreateWithImage(
  engine: ContainerEngine,
  name: string,
  inspect: Record<string, unknown>,
  image: string,
  stopTimeoutSec: number,
): Promise<string> {
  const kept = `${name}-medic-${stamp()}`;
  const oldId = String(inspect.Id ?? name);
  const policy = ((inspect.HostConfig ?? {}) as { RestartPolicy?: unknown }).RestartPolicy ?? { Name: 'no' };
  let renamed = false;
  let newId: string | undefined;
  try {
    await engine.stop(oldId, stopTimeoutSec);
    await engine.update(oldId, { RestartPolicy: { Name: 'no' } });
    await engine.rename(oldId, kept);
    renamed = true;
    newId = await engine.create(name, createBodyLike(inspect, image));
    await engine.start(newId);
    return kept;
  } catch (err) {
    if (newId) await engine.remove(newId).catch(() => undefined);
    if (renamed) await engine.rename(oldId, name).catch(() => undefined);
    await engine.update(oldId, { RestartPolicy: policy }).catch(() => undefined);
    await engine.start(oldId).catch(() => undefined);
    throw err;
  }
}
