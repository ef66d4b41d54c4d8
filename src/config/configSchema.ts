import { z } from 'zod';
import { inventorySchema } from '../core/model/inventory.js';
import { remediationPolicySchema } from '../core/remediation/remediationPolicy.js';
import { scheduleConfigSchema } from '../core/scheduler/schedule.js';

/** medic.yaml: the inventory plus Medic's own settings. */
export const configSchema = inventorySchema
  .extend({
    /** Extra folders of playbook YAML (the built-in playbooks/ folder is always loaded). */
    playbookDirs: z.array(z.string()).default([]),
    /** Slack: tokens come from the environment only (SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET). */
    slack: z
      .object({
        /** Channels where a plain message reporting a problem (no mention) starts a diagnosis. */
        channels: z
          .array(z.string().regex(/^[CG][A-Z0-9]+$/, 'a channel id such as C0123456789'))
          .default([]),
        command: z
          .string()
          .regex(/^\/[a-z0-9_-]+$/)
          .default('/medic'),
        /** Port of the HTTP receiver (--http). */
        port: z.number().int().min(0).max(65535).default(3000),
        /** Web API base URL (a proxy, or a test double). */
        apiUrl: z.string().url().optional(),
      })
      .strict()
      .default({ channels: [], command: '/medic', port: 3000 }),
    /** Runs and reports (and, later, approvals and audit): one SQLite file. */
    store: z
      .object({ path: z.string().min(1).optional() })
      .strict()
      .default({}),
    /** Stopping (SIGTERM, SIGINT): how long runs and actions under way may take to finish. */
    shutdown: z
      .object({ drainSeconds: z.number().int().min(0).max(3600).default(30) })
      .strict()
      .default({ drainSeconds: 30 }),
    /** Who approves actions, how recovery is verified, what heals by itself (see README). */
    remediation: remediationPolicySchema.default(remediationPolicySchema.parse({})),
    /** Playbooks run on a cron schedule; they speak only when something changes. */
    schedules: z.array(scheduleConfigSchema).default([]),
    log: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type MedicConfig = z.infer<typeof configSchema>;
