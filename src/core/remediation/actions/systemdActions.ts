import { z } from 'zod';
import { argv } from '../../command.js';
import { type ActionDef, execStep } from '../actionDef.js';

const unit = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9@_.:-]*$/, 'a systemd unit name');
const unitParams = z.object({ unit }).strict();
type UnitParams = z.infer<typeof unitParams>;

/**
 * `systemctl reset-failed` (a unit that hit its start limit refuses to start until then), then
 * `systemctl restart`, then `systemctl is-active` must say it came up.
 */
export const restartUnit: ActionDef<UnitParams> = {
  kind: 'restart-unit',
  risk: 'restart',
  params: unitParams,
  target: (p) => p.unit,
  title: (p, host) => `Restart ${p.unit} on ${host}`,
  preview: (p) => [
    `systemctl reset-failed -- ${p.unit}`,
    `systemctl restart -- ${p.unit}`,
    `systemctl is-active -- ${p.unit}`,
  ],
  async plan(p, ctx) {
    return [
      execStep(argv('systemctl', 'reset-failed', '--', p.unit), { privileged: true }, ctx),
      execStep(argv('systemctl', 'restart', '--', p.unit), { privileged: true, timeoutMs: 90_000 }, ctx),
      execStep(argv('systemctl', 'is-active', '--', p.unit), { privileged: true }, ctx),
    ];
  },
};

/** `systemctl reload` (e.g. php-fpm's graceful reload), then is-active. */
export const reloadUnit: ActionDef<UnitParams> = {
  kind: 'reload-unit',
  risk: 'reload',
  params: unitParams,
  target: (p) => p.unit,
  title: (p, host) => `Reload ${p.unit} on ${host}`,
  preview: (p) => [`systemctl reload -- ${p.unit}`, `systemctl is-active -- ${p.unit}`],
  async plan(p, ctx) {
    return [
      execStep(argv('systemctl', 'reload', '--', p.unit), { privileged: true, timeoutMs: 60_000 }, ctx),
      execStep(argv('systemctl', 'is-active', '--', p.unit), { privileged: true }, ctx),
    ];
  },
};

/** Reload nginx only after `nginx -t` passes: a broken config never takes the site down. */
export const reloadNginx: ActionDef<Record<string, never>> = {
  kind: 'reload-nginx',
  risk: 'reload',
  params: z.object({}).strict() as z.ZodType<Record<string, never>>,
  target: () => 'nginx',
  title: (_p, host) => `Test and reload nginx on ${host}`,
  preview: () => ['nginx -t', 'systemctl reload -- nginx.service'],
  async plan(_p, ctx) {
    return [
      execStep(argv('nginx', '-t'), { privileged: true }, ctx),
      execStep(
        argv('systemctl', 'reload', '--', 'nginx.service'),
        { privileged: true, timeoutMs: 30_000 },
        ctx,
      ),
    ];
  },
};
