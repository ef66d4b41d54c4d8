import { z } from 'zod';
import { argv } from '../../command.js';
import type { ActionDef } from '../actionDef.js';

const params = z.object({ mount: z.string().regex(/^\/[^\0\n]*$/, 'an absolute path') }).strict();
type Params = z.infer<typeof params>;

const human = (kib: number) =>
  kib >= 1048576 ? `${(kib / 1048576).toFixed(1)}G` : kib >= 1024 ? `${(kib / 1024).toFixed(1)}M` : `${kib}K`;

/** Largest directories under a full mount (read only: nothing is deleted). */
export const inspectDisk: ActionDef<Params> = {
  kind: 'inspect-disk',
  risk: 'read',
  params,
  target: (p) => p.mount,
  title: (p, host) => `Show the largest files under ${p.mount} on ${host}`,
  preview: (p) => [`du -xk --max-depth=2 -- ${p.mount}`],
  async plan(p) {
    const cmd = argv('du', '-xk', '--max-depth=2', '--', p.mount);
    return [
      {
        display: `du -xk --max-depth=2 -- ${p.mount}`,
        async run(ctx) {
          const r = await ctx.exec(cmd, { privileged: true, timeoutMs: 60_000 });
          const rows = r.stdout
            .split('\n')
            .map((l) => /^(\d+)\s+(.+)$/.exec(l))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => ({ kib: Number(m[1]), path: m[2] as string }))
            .sort((a, b) => b.kib - a.kib)
            .slice(0, 12);
          // du exits 1 when some directories are unreadable; the sizes it printed still count.
          const code = rows.length > 0 ? 0 : r.code;
          return { code, output: rows.map((x) => `${human(x.kib).padStart(7)}  ${x.path}`).join('\n') };
        },
      },
    ];
  },
};
