import { z } from 'zod';

/** The whitelisted shape of one `pm2 jlist` entry; anything else (env, secrets) is stripped. */
const pm2Entry = z.object({
  name: z.string(),
  pm_id: z.number(),
  pid: z.number().nullable().default(0),
  monit: z
    .object({ memory: z.number().default(0), cpu: z.number().default(0) })
    .default({ memory: 0, cpu: 0 }),
  pm2_env: z.object({
    status: z.enum([
      'online',
      'stopping',
      'stopped',
      'launching',
      'errored',
      'one-launch-status',
      'waiting restart',
    ]),
    restart_time: z.number().default(0),
    unstable_restarts: z.number().default(0),
    pm_uptime: z.number().optional(),
    exit_code: z.number().nullable().optional(),
    pm_err_log_path: z.string().optional(),
    max_memory_restart: z.number().optional(),
    exec_mode: z.string().optional(),
  }),
  err_tail: z.array(z.string()).default([]),
});
export type Pm2Entry = z.infer<typeof pm2Entry>;

/** Parse jlist output, tolerating a banner before the JSON; null when there is no JSON list. */
export function parsePm2List(text: string): Pm2Entry[] | null {
  // pm2's own banner lines start with "[PM2]": the list starts with "[{" or is "[]".
  const start = text.search(/^\[\s*[{\]]/m);
  if (start < 0) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text.slice(start));
  } catch {
    return null;
  }
  const r = z.array(pm2Entry).safeParse(raw);
  return r.success ? r.data : null;
}
