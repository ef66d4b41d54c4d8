import { z } from 'zod';
import type { ActionDef } from '../actionDef.js';

/** A container by name, and how long the engine waits for a clean stop before SIGKILL. */
export const containerParams = z
  .object({
    container: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a container name'),
    stopTimeout: z.number().int().min(0).max(300).default(10),
  })
  .strict();
const params = containerParams;
type Params = z.infer<typeof params>;

/** Restart through the Engine API (POST /containers/{name}/restart), never a shell. */
export const restartContainer: ActionDef<Params> = {
  kind: 'restart-container',
  risk: 'restart',
  params,
  target: (p) => p.container,
  title: (p, host) => `Restart container ${p.container} on ${host}`,
  preview: (p) => [`docker restart --time ${p.stopTimeout} ${p.container}  (Engine API)`],
  async plan(p) {
    return [
      {
        display: `docker restart --time ${p.stopTimeout} ${p.container}  (Engine API)`,
        async run(ctx) {
          await ctx.engine().restart(p.container, p.stopTimeout);
          return { code: 0, output: '' };
        },
      },
    ];
  },
};
