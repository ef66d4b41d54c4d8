import { z } from 'zod';
import { argv } from '../../command.js';
import { type ActionDef, execStep } from '../actionDef.js';

const params = z
  .object({
    app: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'a pm2 app name'),
    /** pm2 is per user: the restart runs as the app's user, never as root. */
    user: z.string().regex(/^[a-z_][a-z0-9_-]*$/, 'a Unix user name'),
    mode: z.enum(['restart', 'reload']).default('restart'),
  })
  .strict();
type Params = z.infer<typeof params>;

/** `pm2 restart <app>` (or zero-downtime `reload`) as the owning user. */
export const restartPm2: ActionDef<Params> = {
  kind: 'restart-pm2',
  risk: 'restart',
  params,
  target: (p) => `${p.user}:${p.app}`,
  title: (p, host) =>
    `${p.mode === 'reload' ? 'Reload' : 'Restart'} pm2 app ${p.app} (as ${p.user}) on ${host}`,
  preview: (p) => [`sudo -u ${p.user} -- pm2 ${p.mode} ${p.app}`],
  async plan(p, ctx) {
    return [execStep(argv('pm2', p.mode, p.app), { asUser: p.user, timeoutMs: 60_000 }, ctx)];
  },
};
