import { createHash } from 'node:crypto';
import { z } from 'zod';

const idPattern = /^[A-Za-z0-9_.-]+$/;

/** True when `tz` is an IANA time zone the runtime knows (e.g. `Europe/Berlin`, `UTC`). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** One entry of `schedules:` in medic.yaml. The cron syntax is checked by the ValidateCron port. */
export const scheduleConfigSchema = z
  .object({
    id: z.string().min(1).max(80).regex(idPattern, 'letters, digits, "_", "." and "-" only').optional(),
    cron: z.string().trim().min(1),
    timezone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin').default('UTC'),
    site: z.string().min(1),
    playbook: z.string().min(1).optional(),
    channel: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/, 'a channel id such as C0123456789')
      .optional(),
    /** Repeat an unchanged incident every N minutes; 0 = never. */
    remindEveryMinutes: z.number().int().min(0).default(60),
    /** A fire time later than this at start-up counts as missed (reported, not replayed). */
    missedGraceSeconds: z.number().int().min(0).default(60),
  })
  .strict();

export type ScheduleConfig = z.infer<typeof scheduleConfigSchema>;

/** A schedule as persisted and run. */
export interface Schedule {
  id: string;
  cron: string;
  timezone: string;
  site: string;
  playbook?: string;
  channel?: string;
  remindEveryMinutes: number;
  /** Default 60 (see scheduleConfigSchema). */
  missedGraceSeconds?: number;
  paused: boolean;
  source: 'config' | 'chat';
  createdBy?: string;
  createdAt: string;
}

export const defaultMissedGraceSeconds = 60;

const slug = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '-');

/** Stable, readable id: `${site}-${playbook ?? 'default'}-${6 hex of sha256(cron|tz)}`. */
export function defaultScheduleId(entry: {
  site: string;
  playbook?: string | undefined;
  cron: string;
  timezone?: string | undefined;
}): string {
  const tz = entry.timezone ?? 'UTC';
  const hash = createHash('sha256').update(`${entry.cron.trim()}|${tz}`).digest('hex').slice(0, 6);
  return `${slug(entry.site)}-${slug(entry.playbook ?? 'default')}-${hash}`;
}

/** The persisted form of a medic.yaml entry (`source: 'config'`, not paused). */
export function scheduleFromConfig(entry: ScheduleConfig, createdAt: string): Schedule {
  return {
    id: entry.id ?? defaultScheduleId(entry),
    cron: entry.cron,
    timezone: entry.timezone,
    site: entry.site,
    ...(entry.playbook !== undefined && { playbook: entry.playbook }),
    ...(entry.channel !== undefined && { channel: entry.channel }),
    remindEveryMinutes: entry.remindEveryMinutes,
    missedGraceSeconds: entry.missedGraceSeconds,
    paused: false,
    source: 'config',
    createdAt,
  };
}
