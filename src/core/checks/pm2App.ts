import { z } from 'zod';
import { script, shellQuote } from '../command.js';
import type { Finding } from '../model/finding.js';
import { redactSecrets } from '../redact.js';
import { finder, type HostCheck, stepOutput } from './check.js';
import { type Pm2Entry, parsePm2List } from './parsePm2.js';
import { pm2FilterJs } from './pm2Filter.js';
import { firstLines, stepFailure, unparseable } from './stepFailure.js';

const userName = z.string().regex(/^[a-z_][a-z0-9_-]*$/, 'a user name');

export const pm2AppParams = z
  .object({
    /** The pm2 app name (all its instances in cluster mode). */
    app: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'a pm2 app name')
      .optional(),
    /** Or the pid of one of its processes (how the chain finds an app behind a listener). */
    pid: z.number().int().positive().optional(),
    /** The user whose pm2 daemon runs the app: pm2 is per user, never run it as root. */
    user: userName,
    /** pm2 binary, if not on the user's PATH. */
    pm2: z
      .string()
      .regex(/^[A-Za-z0-9_./-]+$/, 'a path')
      .default('pm2'),
    logLines: z.number().int().min(0).max(200).default(20),
  })
  .strict()
  .refine(
    (p) => p.app !== undefined || p.pid !== undefined,
    'give the app, or the pid of one of its processes',
  );
export type Pm2AppParams = z.infer<typeof pm2AppParams>;

/**
 * The one step: jlist through the whitelisting filter, without ever starting a daemon. A `pm2`
 * given as a path (e.g. installed by nvm) puts its directory first on PATH: `sudo -u` resets
 * PATH, and both pm2's `#!/usr/bin/env node` and the filter's `node -e` need the node beside it.
 */
export function pm2Script(p: Pm2AppParams): string {
  const pm2 = shellQuote(p.pm2);
  const js = shellQuote(pm2FilterJs.replace('LINES', String(p.logLines)));
  const slash = p.pm2.lastIndexOf('/');
  const path = slash < 0 ? [] : [`PATH=${shellQuote(p.pm2.slice(0, slash) || '/')}:$PATH; export PATH`];
  return [
    ...path,
    `command -v ${pm2} >/dev/null 2>&1 || { echo "${p.pm2}: command not found" >&2; exit 127; }`,
    `[ -S "\${PM2_HOME:-$HOME/.pm2}/rpc.sock" ] || { echo "no pm2 daemon running for $(id -un)" >&2; exit 3; }`,
    `${pm2} jlist | node -e ${js}`,
  ].join('\n');
}

function appFinding(
  f: ReturnType<typeof finder>,
  p: Pm2AppParams & { app: string },
  instances: Pm2Entry[],
  now: Date,
): Finding[] {
  const first = instances[0] as Pm2Entry;
  const e = first.pm2_env;
  const statuses = [...new Set(instances.map((i) => i.pm2_env.status))];
  const status = statuses.includes('errored')
    ? 'errored'
    : statuses.includes('online')
      ? statuses.length > 1
        ? 'degraded'
        : 'online'
      : (statuses[0] ?? 'unknown');
  const restarts = instances.reduce((n, i) => n + i.pm2_env.restart_time, 0);
  const unstable = instances.reduce((n, i) => n + i.pm2_env.unstable_restarts, 0);
  const memory = Math.max(...instances.map((i) => i.monit.memory));
  const uptimeMs = e.pm_uptime && status === 'online' ? now.getTime() - e.pm_uptime : null;
  const errLog = [...new Set(instances.flatMap((i) => i.err_tail))].map(redactSecrets);
  const severity =
    status === 'online' ? (unstable > 0 ? 'warn' : 'ok') : status === 'launching' ? 'warn' : 'critical';
  const line = `pm2 ${p.app} (user ${p.user}): status=${status} restarts=${restarts} unstable_restarts=${unstable} exit_code=${e.exit_code ?? 'n/a'} instances=${instances.length}${e.max_memory_restart ? ` max_memory_restart=${e.max_memory_restart}` : ''} memory=${memory}`;
  const findings: Finding[] = [
    f(
      'pm2-app',
      severity,
      `pm2 app ${p.app} is ${status}${restarts ? ` (${restarts} restarts)` : ''}`,
      [line, ...errLog.slice(-3).map((l) => `${p.app} error log: ${l}`)],
      {
        app: p.app,
        user: p.user,
        status,
        restarts,
        unstableRestarts: unstable,
        exitCode: e.exit_code ?? null,
        memory,
        maxMemoryRestart: e.max_memory_restart ?? null,
        uptimeMs,
        instances: instances.length,
        errLog,
      },
    ),
  ];
  if (e.max_memory_restart && memory >= 0.9 * e.max_memory_restart) {
    findings.push(
      f(
        'pm2-memory',
        'warn',
        `pm2 app ${p.app} is at ${Math.round((memory / e.max_memory_restart) * 100)}% of max_memory_restart`,
        [line],
        {
          app: p.app,
          memory,
          maxMemoryRestart: e.max_memory_restart,
        },
      ),
    );
  }
  return findings;
}

export const pm2App: HostCheck<Pm2AppParams> = {
  scope: 'host',
  id: 'pm2-app',
  title: 'pm2 app state',
  params: pm2AppParams,
  steps: (p) => [{ id: 'jlist', command: script(pm2Script(p)), asUser: p.user }],
  parse(outputs, p, ctx): Finding[] {
    const f = finder('pm2-app', ctx.host);
    const out = stepOutput(outputs, 'jlist');
    if (out.code === 3 && /no pm2 daemon running/.test(out.stderr)) {
      return [
        f(
          'pm2-daemon-down',
          'critical',
          `no pm2 daemon runs for ${p.user} on ${ctx.host}`,
          firstLines(out.stderr, 1),
          { app: p.app ?? `pid ${p.pid}`, user: p.user },
        ),
      ];
    }
    const failed = stepFailure(f, out, 'pm2', `pm2 jlist as ${p.user}`);
    if (failed) return [failed];
    const list = parsePm2List(out.stdout);
    if (!list) return [unparseable(f, 'pm2', `pm2 jlist as ${p.user}`, out.stdout)];
    const app = p.app ?? list.find((x) => x.pid === p.pid)?.name;
    const instances = list.filter((x) => x.name === app);
    if (instances.length === 0) {
      return [
        f(
          'pm2-app-missing',
          'critical',
          `pm2 of ${p.user} has no app ${p.app ?? `with pid ${p.pid}`}`,
          [`pm2 apps of ${p.user}: ${list.map((x) => x.name).join(', ') || 'none'}`],
          {
            app: p.app ?? `pid ${p.pid}`,
            user: p.user,
            apps: list.map((x) => x.name),
          },
        ),
      ];
    }
    return appFinding(f, { ...p, app: app as string }, instances, ctx.now);
  },
};
