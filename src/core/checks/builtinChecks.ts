import type { Check } from './check.js';
import { disk } from './disk.js';
import { dns } from './dns.js';
import { dockerContainer } from './dockerContainer.js';
import { firewall } from './firewall.js';
import { httpProbe } from './httpProbe.js';
import { listeningSockets } from './listeningSockets.js';
import { memory } from './memory.js';
import { nginxConfig } from './nginxConfig.js';
import { nginxErrors } from './nginxErrors.js';
import { oomKills } from './oomKills.js';
import { phpFpm } from './phpFpm.js';
import { pm2App } from './pm2App.js';
import { serviceUnits } from './serviceUnits.js';
import { systemdUnit } from './systemdUnit.js';
import { unitJournal } from './unitJournal.js';
import { upstreamProbe } from './upstreamProbe.js';

/** Every check Medic ships; playbooks refer to them by id. */
export const builtinChecks: readonly Check<never>[] = [
  httpProbe,
  upstreamProbe,
  systemdUnit,
  unitJournal,
  phpFpm,
  dockerContainer,
  pm2App,
  nginxConfig,
  nginxErrors,
  listeningSockets,
  serviceUnits,
  memory,
  disk,
  oomKills,
  firewall,
  dns,
] as unknown as Check<never>[];
