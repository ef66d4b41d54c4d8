import { z } from 'zod';
import { dockerContainer } from './dockerContainer.js';
import { phpFpm } from './phpFpm.js';
import { pm2App } from './pm2App.js';
import { systemdUnit } from './systemdUnit.js';

/**
 * The kinds of service a site may declare, each with the strict schema of its fields. A
 * playbook entry with `forEach: <kind>` runs once per such service with these fields as params.
 */
export const serviceKinds: Record<string, z.ZodType> = {
  systemd: systemdUnit.params,
  'php-fpm': phpFpm.params,
  docker: dockerContainer.params,
  pm2: pm2App.params,
  nginx: z
    .object({
      errorLog: z.string().startsWith('/', 'an absolute path').default('/var/log/nginx/error.log'),
    })
    .strict(),
};
