import type { Rule } from '../rule.js';
import { containerRules } from './containerRules.js';
import { hostRules } from './hostRules.js';
import { networkRules } from './networkRules.js';
import { nginxRules } from './nginxRules.js';
import { phpFpmRules } from './phpFpmRules.js';
import { pm2Rules } from './pm2Rules.js';
import { resourceRules } from './resourceRules.js';
import { unitRules } from './unitRules.js';

/**
 * What the context says beside the chain: hosts out of reach, services medic.yaml declares that
 * the chain does not reach, resources (disk, memory, kernel OOM kills), ports and firewalls of
 * declared upstreams, a gateway config that does not pass `nginx -t`.
 */
export const contextRules: Rule[] = [
  hostRules,
  unitRules,
  containerRules,
  pm2Rules,
  phpFpmRules,
  resourceRules,
  networkRules,
  nginxRules,
];
