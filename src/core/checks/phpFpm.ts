import { z } from 'zod';
import { argv, script } from '../command.js';
import type { Finding } from '../model/finding.js';
import type { ExecResult } from '../ports.js';
import { fpmEventFindings } from './backendEvents.js';
import { type CheckStep, type Find, finder, type HostCheck, type StepOutputs, stepOutput } from './check.js';
import { logTailSteps, readLogTail } from './logTail.js';
import {
  describeFpmStatus,
  fpmSaturation,
  parseFpmEvents,
  parseFpmLogLine,
  parseFpmStatus,
  parsePoolListen,
  parseStatLine,
} from './parsePhpFpm.js';
import { firstLines, stepFailure, unparseable } from './stepFailure.js';
import { systemdUnitParams } from './systemdUnit.js';
import { systemdProperties, unitShowFinding } from './unitStateFinding.js';

const absolutePath = z.string().regex(/^\/[^\0\n]*$/, 'an absolute path');

export const phpFpmParams = z
  .object({
    unit: systemdUnitParams.shape.unit,
    /** The pool socket nginx passes to, e.g. /run/php/php8.2-fpm.sock. */
    socket: absolutePath.optional(),
    /** The FPM error log, e.g. /var/log/php8.2-fpm.log. */
    log: absolutePath.optional(),
    minutes: z.number().int().positive().default(60),
    /** php-fpm's status page as served on the host (pm.status_path behind nginx), e.g. http://127.0.0.1/fpm-status */
    statusUrl: z.string().url().optional(),
  })
  .strict();
export type PhpFpmParams = z.infer<typeof phpFpmParams>;

const poolGlob = '/etc/php/*/fpm/pool.d/*.conf';
const logLines = 5000;

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

function socketFindings(f: Find, outputs: StepOutputs, socket: string): Finding {
  const stat = stepOutput(outputs, 'socket');
  if (/No such file or directory/.test(stat.stderr)) {
    const siblings = outputs.siblings;
    const others = (siblings?.stdout ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('/') && l !== socket);
    const evidence = [
      ...firstLines(stat.stderr, 1),
      others.length > 0
        ? `sockets in ${dirOf(socket)}: ${others.join(' ')}`
        : `no socket in ${dirOf(socket)}`,
    ];
    const also = others.length > 0 ? ` (${dirOf(socket)} has ${others.join(', ')})` : '';
    return f('fpm-socket-missing', 'critical', `FPM socket ${socket} does not exist${also}`, evidence, {
      socket,
      others,
    });
  }
  const failed = stepFailure(f, stat, 'stat', `socket ${socket}`);
  if (failed) return failed;
  const s = parseStatLine(stat.stdout);
  if (!s) return unparseable(f, 'stat', `socket ${socket}`, stat.stdout);
  const data = { socket, owner: s.owner, group: s.group, mode: s.mode };
  const evidence = firstLines(stat.stdout, 1);
  if (s.type !== 'socket') {
    return f('fpm-socket-not-socket', 'critical', `${socket} is a ${s.type}, not a socket`, evidence, {
      ...data,
      type: s.type,
    });
  }
  return f(
    'fpm-socket-ok',
    'ok',
    `FPM socket ${socket} exists (${s.owner}:${s.group} mode ${s.mode})`,
    evidence,
    data,
  );
}

function poolFindings(f: Find, out: ExecResult, socket: string | undefined): Finding {
  // grep: 0 matches found, 1 none, 2 no pool files (php-fpm not installed in /etc/php).
  if (out.code !== 0 && out.code !== 1 && out.code !== 2) {
    return (
      stepFailure(f, out, 'grep', 'php-fpm pools') ?? unparseable(f, 'grep', 'php-fpm pools', out.stderr)
    );
  }
  const { listen, lines } = parsePoolListen(out.stdout);
  if (out.stdout.trim() !== '' && lines.length === 0)
    return unparseable(f, 'grep', 'php-fpm pools', out.stdout);
  const socketListed = socket === undefined ? null : listen.some((l) => l.value === socket);
  const summary =
    listen.length === 0
      ? `no php-fpm pool listen directive in ${poolGlob}`
      : `php-fpm pools listen on ${listen.map((l) => l.value).join(', ')}`;
  return f('fpm-pool-listen', 'info', summary, lines.slice(0, 5), { listen, socketListed });
}

/** The log (`tail`, privileged) read against the host's clock (`date`, unprivileged). */
function logFindings(f: Find, outputs: StepOutputs, log: string, minutes: number, unit: string): Finding[] {
  const label = 'the php-fpm log';
  const read = readLogTail(f, outputs, {
    tailId: 'log',
    path: log,
    label,
    kindPrefix: 'fpm-log',
    data: { log },
  });
  if ('kind' in read) return [read];
  const { now, lines: text } = read;
  const parsed = text.flatMap((l) => parseFpmLogLine(l) ?? []);
  if (text.length > 0 && parsed.length === 0) return [unparseable(f, 'php-fpm', label, text.join('\n'))];
  const recent = parsed.filter((l) => l.at >= now - minutes * 60_000);
  const saturated = fpmSaturation(recent);
  const events = fpmEventFindings(f, unit, parseFpmEvents(recent));
  if (saturated.length === 0 && events.length === 0) {
    return [
      f('fpm-log-ok', 'ok', `no crash, timeout or full pool in the last ${minutes} min`, [], {
        log,
        linesInWindow: recent.length,
      }),
    ];
  }
  return [
    ...events,
    ...saturated.map((s) =>
      f(
        'fpm-saturated',
        'critical',
        `pool ${s.pool} reached pm.max_children${s.maxChildren !== null ? ` (${s.maxChildren})` : ''} ${s.lines.length}× in the last ${minutes} min`,
        s.lines.slice(-3).map((l) => l.raw),
        { count: s.lines.length, pool: s.pool, maxChildren: s.maxChildren },
      ),
    ),
  ];
}

/** The status page: a queue with no idle worker is saturation now; a timeout means the pool is too busy to answer. */
function statusFinding(f: Find, out: ExecResult, url: string): Finding {
  if (out.code === 28) {
    return f(
      'fpm-status-timeout',
      'warn',
      `php-fpm status page did not answer within 3 s (pool busy?)`,
      firstLines(out.stderr, 1),
      { statusUrl: url },
    );
  }
  const failed = stepFailure(f, out, 'curl', 'php-fpm status page');
  if (failed) return failed;
  const s = parseFpmStatus(out.stdout);
  if (!s) return unparseable(f, 'curl', 'php-fpm status page', out.stdout);
  const saturatedNow = s.listenQueue > 0 && s.idle === 0;
  const severity = saturatedNow ? 'critical' : s.maxChildrenReached > 0 ? 'warn' : 'ok';
  const summary = saturatedNow
    ? `php-fpm pool ${s.pool} is saturated: ${s.listenQueue} request(s) queued, no idle worker`
    : `php-fpm pool ${s.pool}: ${s.active}/${s.total} workers busy`;
  return f('fpm-status', severity, summary, [describeFpmStatus(s)], { ...s, saturatedNow, statusUrl: url });
}

export const phpFpm: HostCheck<PhpFpmParams> = {
  scope: 'host',
  id: 'php-fpm',
  title: 'php-fpm pool',
  logReader: true,
  params: phpFpmParams,
  steps(p) {
    const steps: CheckStep[] = [
      { id: 'unit', command: argv('systemctl', 'show', '-p', systemdProperties.join(','), '--', p.unit) },
    ];
    if (p.socket) {
      steps.push(
        { id: 'socket', command: argv('stat', '-c', '%F|%U|%G|%a|%n', '--', p.socket), privileged: true },
        {
          id: 'siblings',
          command: argv('find', dirOf(p.socket), '-maxdepth', '1', '-type', 's'),
          privileged: true,
        },
      );
    }
    // Unprivileged: a script only for its glob. Pool files are world-readable.
    steps.push({ id: 'pools', command: script(`grep -Hs '^[[:space:]]*listen' ${poolGlob}`) });
    if (p.log) steps.push(...logTailSteps('log', p.log, logLines));
    if (p.statusUrl) {
      const url = new URL(p.statusUrl);
      url.searchParams.set('json', '');
      steps.push({
        id: 'status',
        command: argv('curl', '-sS', '--max-time', '3', '--', url.toString().replace(/json=$/, 'json')),
      });
    }
    return steps;
  },
  parse(outputs, p, ctx): Finding[] {
    const f = finder('php-fpm', ctx.host);
    const unit = unitShowFinding(f, stepOutput(outputs, 'unit'), p.unit);
    const findings = [unit];
    // A php-fpm that is not installed has no log or status page to read: that is no blind spot.
    if (unit.kind === 'unit-state' && unit.data.loadState === 'not-found') {
      if (p.socket) findings.push(socketFindings(f, outputs, p.socket));
      findings.push(poolFindings(f, stepOutput(outputs, 'pools'), p.socket));
      return findings;
    }
    if (p.socket) findings.push(socketFindings(f, outputs, p.socket));
    findings.push(poolFindings(f, stepOutput(outputs, 'pools'), p.socket));
    if (p.log) findings.push(...logFindings(f, outputs, p.log, p.minutes, p.unit));
    if (p.statusUrl) findings.push(statusFinding(f, stepOutput(outputs, 'status'), p.statusUrl));
    return findings;
  },
};
