import type { z } from 'zod';
import { MedicError } from '../../errors.js';
import type { ActionDef } from '../actionDef.js';
import { previousImage, recreateWithImage, repoOf } from './containerRollback.js';
import { containerParams } from './restartContainer.js';

const params = containerParams;
type Params = z.infer<typeof params>;

/**
 * Run the container again from the image tag before the current one (same repository, older
 * creation time), with the same configuration. The old container is stopped and kept under a
 * new name, so rolling forward is a rename away; a failed start puts the old one back.
 */
export const rollbackContainer: ActionDef<Params> = {
  kind: 'rollback-container',
  risk: 'rollback',
  params,
  target: (p) => p.container,
  title: (p, host) => `Roll back container ${p.container} to its previous image on ${host}`,
  preview: (p) => [
    `docker stop ${p.container} && docker rename ${p.container} ${p.container}-medic-<time>  (Engine API)`,
    `docker create --name ${p.container} <same config> <previous image tag> && docker start ${p.container}`,
  ],
  async plan(p, ctx) {
    const engine = ctx.engine();
    const inspect = (await engine.inspect(p.container)) as Record<string, unknown>;
    const config = (inspect.Config ?? {}) as { Image?: string };
    const current = config.Image;
    if (!current) throw new MedicError('action.plan', `container ${p.container} has no image`);
    const prev = previousImage(current, String(inspect.Image ?? ''), await engine.images(repoOf(current)));
    if (!prev) {
      throw new MedicError(
        'action.plan',
        `no older tag of ${repoOf(current)} than ${current} on ${ctx.host}: nothing to roll back to`,
      );
    }
    // The running image's own defaults (Cmd, Env, …): the previous image brings its own.
    const imageConfig = (
      (await engine.inspectImage(String(inspect.Image ?? current))) as {
        Config?: Record<string, unknown>;
      }
    ).Config;
    const display = `replace ${p.container} (${current}) with a container of ${prev}, same config; keep the old one stopped  (Engine API)`;
    return [
      {
        display,
        async run(c) {
          const kept = await recreateWithImage(
            c.engine(),
            p.container,
            inspect,
            prev,
            p.stopTimeout,
            imageConfig,
          );
          return { code: 0, output: `${p.container} now runs ${prev}; the old container is kept as ${kept}` };
        },
      },
    ];
  },
};
