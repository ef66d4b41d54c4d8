import { z } from 'zod';
import { inventorySchema } from '../core/model/inventory.js';

/** medic.yaml: the inventory plus Medic's own settings. */
export const configSchema = inventorySchema
  .extend({
    /** Extra folders of playbook YAML (the built-in playbooks/ folder is always loaded). */
    playbookDirs: z.array(z.string()).default([]),
    /** Runs and reports (and, later, approvals and audit): one SQLite file. */
    store: z
      .object({ path: z.string().min(1).optional() })
      .strict()
      .default({}),
    log: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type MedicConfig = z.infer<typeof configSchema>;
