import { z } from 'zod';
import { argv } from '../command.js';
import type { Finding } from '../model/finding.js';
import { finder, type HostCheck, stepOutput } from './check.js';
import { systemdProperties, unitShowFinding } from './unitStateFinding.js';

export {
  describeUnit,
  parseSystemctlShow,
  systemdProperties,
  type UnitState,
  unitShowFinding,
  unitStateFinding,
} from './unitStateFinding.js';

export const systemdUnitParams = z
  .object({
    unit: z.string().regex(/^[A-Za-z0-9@._:-]+$/, 'a systemd unit name'),
  })
  .strict();
export type SystemdUnitParams = z.infer<typeof systemdUnitParams>;

export const systemdUnit: HostCheck<SystemdUnitParams> = {
  scope: 'host',
  id: 'systemd-unit',
  title: 'systemd unit state',
  params: systemdUnitParams,
  steps: (p) => [
    { id: 'show', command: argv('systemctl', 'show', '-p', systemdProperties.join(','), '--', p.unit) },
  ],
  parse(outputs, p, ctx): Finding[] {
    const f = finder('systemd-unit', ctx.host);
    return [unitShowFinding(f, stepOutput(outputs, 'show'), p.unit)];
  },
};
