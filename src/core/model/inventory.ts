import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "." and "-" only');

export const hostSchema = z
  .object({
    /** `local` runs commands on the machine Medic runs on, without SSH (console demo). */
    transport: z.enum(['ssh', 'local']).default('ssh'),
    address: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().min(1).optional(),
    privateKeyPath: z.string().min(1).optional(),
    /** OpenSSH fingerprint of the host key, e.g. `SHA256:…`. Required for ssh. */
    hostKey: z
      .string()
      .regex(
        /^SHA256:[A-Za-z0-9+/]{43}=?$/,
        'an OpenSSH SHA256 fingerprint such as "SHA256:abc…" (ssh-keygen -lf)',
      )
      .optional(),
    sudo: z.boolean().default(false),
    connectTimeoutMs: z.number().int().positive().default(8000),
    commandTimeoutMs: z.number().int().positive().default(10000),
    /** Concurrent channels on the one connection (OpenSSH MaxSessions defaults to 10). */
    maxChannels: z.number().int().min(1).max(64).default(8),
    /** Run a diagnosis's read-only steps as one script on one channel (false: a channel each). */
    batch: z.boolean().default(true),
    /** The host's Docker Engine socket; over SSH it is forwarded on the pooled connection. */
    dockerSocket: z.string().startsWith('/', 'an absolute path').default('/var/run/docker.sock'),
  })
  .strict()
  .superRefine((h, ctx) => {
    if (h.transport !== 'ssh') return;
    for (const key of ['address', 'user', 'hostKey'] as const) {
      if (!h[key]) ctx.addIssue({ code: 'custom', path: [key], message: `required for ssh hosts` });
    }
  });
export type HostConfig = z.infer<typeof hostSchema>;

/** A service is `{ kind, hosts?, ...params of the check of that kind }`; params are validated by the check. */
export const serviceSchema = z
  .object({
    kind: z.string().min(1),
    /** Restrict the service to some of the site's hosts (default: all of them). */
    hosts: z.array(name).optional(),
  })
  .passthrough();
export type ServiceConfig = z.infer<typeof serviceSchema>;

export const upstreamSchema = z
  .object({
    /** URL probed directly from the gateway host, bypassing nginx, e.g. http://10.0.0.6:8080/ */
    url: z.string().url(),
    /** The inventory host that serves it, so its firewall and sockets are inspected. */
    host: name.optional(),
  })
  .strict();

/**
 * A rollback a site declares: `{ kind: rollback-symlink | rollback-container | rollback-commands,
 * hosts?, ...params of that kind }`; params are validated by the action.
 */
export const rollbackSchema = z
  .object({
    kind: z.string().min(1),
    /** The hosts to roll back (default: all the site's hosts). */
    hosts: z.array(name).optional(),
  })
  .passthrough();
export type RollbackConfig = z.infer<typeof rollbackSchema>;

export const siteSchema = z
  .object({
    url: z.string().url(),
    aliases: z.array(z.string().min(1)).default([]),
    hosts: z.array(name).min(1),
    /** The hosts nginx runs on (the gateway); default: all of the site's hosts. */
    gateway: z.array(name).optional(),
    /** Host header to send when the URL is an address (tests, split DNS). */
    hostHeader: z.string().optional(),
    upstreams: z.array(upstreamSchema).default([]),
    services: z.array(serviceSchema).default([]),
    playbook: z.string().default('502-triage'),
    /** How to undo a bad deploy; offered when the site fails, and after a fix that did not work. */
    rollback: z.array(rollbackSchema).default([]),
  })
  .strict();
export type SiteConfig = z.infer<typeof siteSchema>;

export const inventorySchema = z
  .object({
    hosts: z.record(name, hostSchema),
    sites: z.record(name, siteSchema),
  })
  .strict();
export type Inventory = z.infer<typeof inventorySchema>;
