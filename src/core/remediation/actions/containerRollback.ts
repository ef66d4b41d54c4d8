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

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A container's Config without what it inherited from its image (`imageConfig`): the Cmd,
 * Entrypoint, Env entries, labels and so on that the bad image brought must not override the
 * previous image's own. What the operator set (a different value, an extra variable) stays.
 * Pure. A value set by hand equal to the image's default is indistinguishable and is dropped.
 */
export function ownConfig(
  config: Record<string, unknown>,
  imageConfig: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!imageConfig) return { ...config };
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const inherited = imageConfig[key];
    if (key === 'Env' && Array.isArray(value) && Array.isArray(inherited)) {
      const env = value.filter((e) => !inherited.includes(e));
      if (env.length) own.Env = env;
    } else if (
      ['Labels', 'ExposedPorts', 'Volumes'].includes(key) &&
      value &&
      typeof value === 'object' &&
      inherited &&
      typeof inherited === 'object'
    ) {
      const base = inherited as Record<string, unknown>;
      const kept = Object.entries(value as Record<string, unknown>).filter(([k, v]) => !same(base[k], v));
      if (kept.length) own[key] = Object.fromEntries(kept);
    } else if (key === 'Image' || !same(value, inherited)) {
      own[key] = value;
    }
  }
  return own;
}

/** Anonymous volumes of the old container, mounted by name: their data stays with the service. */
function anonymousVolumes(inspect: Record<string, unknown>): Array<Record<string, unknown>> {
  const host = (inspect.HostConfig ?? {}) as { Binds?: string[] | null; Mounts?: Array<{ Target?: string }> };
  const explicit = new Set([
    ...(host.Binds ?? []).map((b) => b.split(':')[1]),
    ...(host.Mounts ?? []).map((m) => m.Target),
  ]);
  const mounts = (inspect.Mounts ?? []) as Array<{ Type?: string; Name?: string; Destination?: string }>;
  return mounts
    .filter((m) => m.Type === 'volume' && m.Name && m.Destination && !explicit.has(m.Destination))
    .map((m) => ({ Type: 'volume', Source: m.Name, Target: m.Destination }));
}

/**
 * The create body of a container like `inspect`, from another image: the container's own
 * config (not what its image brought), its host config, networks and anonymous volumes. Pure.
 */
export function createBodyLike(
  inspect: Record<string, unknown>,
  image: string,
  imageConfig?: Record<string, unknown>,
): Record<string, unknown> {
  const config = ownConfig((inspect.Config ?? {}) as Record<string, unknown>, imageConfig);
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
  const hostConfig = (inspect.HostConfig ?? {}) as Record<string, unknown>;
  const volumes = anonymousVolumes(inspect);
  return {
    ...config,
    Image: image,
    HostConfig: volumes.length
      ? { ...hostConfig, Mounts: [...((hostConfig.Mounts as unknown[] | null) ?? []), ...volumes] }
      : hostConfig,
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
  /** The running image's own Config: what the container inherited from it is not carried over. */
  imageConfig?: Record<string, unknown>,
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
    newId = await engine.create(name, createBodyLike(inspect, image, imageConfig));
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
