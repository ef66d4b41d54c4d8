import { describe, expect, it } from 'vitest';
import type { StepOutputs } from '../../../src/core/checks/check.js';
import { parseFpmLogLine, parsePoolListen, parseStatLine } from '../../../src/core/checks/parsePhpFpm.js';
import { phpFpm, phpFpmParams } from '../../../src/core/checks/phpFpm.js';
import { systemdUnit } from '../../../src/core/checks/systemdUnit.js';
import { checkContext, dataOf, execResult, fixture, runCheck } from '../../support/checkKit.js';

// Captured in a Debian bookworm container (systemd, stock nginx + php8.2-fpm):
// show-active / stat-ok / find-ok / listen-default: the stock install. log-saturated: the www pool
//   set to pm.max_children = 1 and hit by concurrent requests to a PHP script that sleeps 3 s;
//   log-later: the same log a minute later after a restart. show-failed: after `kill -9` of the
//   FPM master; stat-removed / find-empty: after removing its socket; find-nodir: a missing dir.
// stat-missing: stat of /run/php/php8.1-fpm.sock (the path before a PHP upgrade); stat-regular:
//   a regular file at that path. listen-two-pools: a second pool on 127.0.0.1:9001, listen.mode set.
// log-missing / log-denied: tail of a missing log, and as an unprivileged user.
// log-*: captured as `date '+%Y/%m/%d %H:%M:%S'; tail -n 5000 -- LOG`: the first line is the output
//   of the `now` step (date), the rest (and stderr, exit code) that of the `log` step (tail).
// show-nosystemd: systemctl on a host without systemd; show-absent: `sh -c` without systemctl.
const fx = (name: string) => fixture('php-fpm', name);
/** A log capture split into its two steps: `now` (the date line) and `log` (the tail). */
const logSteps = (name: string, o: { code?: number; stderr?: string } = {}): StepOutputs => {
  const [date = '', ...rest] = fx(name).split('\n');
  return { now: execResult(`${date}\n`), log: execResult(rest.join('\n'), o) };
};

const ctx = checkContext();
const sock = '/run/php/php8.2-fpm.sock';
const props =
  'Id,LoadState,ActiveState,SubState,Result,NRestarts,ExecMainCode,ExecMainStatus,ExecMainPID,ActiveEnterTimestamp,InactiveEnterTimestamp,StateChangeTimestamp,Type,ExecStart';
const healthy: StepOutputs = {
  unit: execResult(fx('show-active.txt')),
  socket: execResult(fx('stat-ok.txt')),
  siblings: execResult(fx('find-ok.txt')),
  pools: execResult(fx('listen-default.txt')),
  ...logSteps('log-saturated.txt'),
};
const run = (outputs: StepOutputs, params: unknown) => runCheck(phpFpm, outputs, params);
const all = { unit: 'php8.2-fpm.service', socket: sock, log: '/var/log/php8.2-fpm.log' };
const kinds = (findings: ReturnType<typeof run>) => findings.map((x) => [x.kind, x.severity]);

describe('php-fpm params and steps', () => {
  it('validates params', () => {
    expect(phpFpmParams.parse({ unit: 'php8.2-fpm.service' })).toEqual({
      unit: 'php8.2-fpm.service',
      minutes: 60,
    });
    expect(() => phpFpmParams.parse({ unit: "a'b; rm -rf /" })).toThrow();
    expect(() => phpFpmParams.parse({ unit: 'php8.2-fpm', socket: 'run/php.sock' })).toThrow();
    expect(() => phpFpmParams.parse({ unit: 'php8.2-fpm', nope: 1 })).toThrow();
    expect(Object.keys(phpFpmParams.shape)).toEqual(['unit', 'socket', 'log', 'minutes', 'statusUrl']);
  });

  it('runs systemctl and the pool grep when only the unit is known', () => {
    expect(phpFpm.steps(phpFpmParams.parse({ unit: 'php8.2-fpm' }), ctx)).toEqual([
      { id: 'unit', command: { argv: ['systemctl', 'show', '-p', props, '--', 'php8.2-fpm'] } },
      { id: 'pools', command: { script: "grep -Hs '^[[:space:]]*listen' /etc/php/*/fpm/pool.d/*.conf" } },
    ]);
  });

  it('adds the socket, its siblings and the log, quoting hostile paths', () => {
    const steps = phpFpm.steps(
      phpFpmParams.parse({
        unit: 'php8.2-fpm',
        socket: "/run/a'b; rm -rf /x.sock",
        log: "/var/log/a'b; rm -rf /",
      }),
      ctx,
    );
    expect(steps.slice(1, 3)).toEqual([
      {
        id: 'socket',
        command: { argv: ['stat', '-c', '%F|%U|%G|%a|%n', '--', "/run/a'b; rm -rf /x.sock"] },
        privileged: true,
      },
      {
        id: 'siblings',
        command: { argv: ['find', "/run/a'b; rm -rf ", '-maxdepth', '1', '-type', 's'] },
        privileged: true,
      },
    ]);
    expect(steps.slice(4)).toEqual([
      { id: 'now', command: { argv: ['date', '+%Y/%m/%d %H:%M:%S'] } },
      {
        id: 'log',
        command: { argv: ['tail', '-n', '5000', '--', "/var/log/a'b; rm -rf /"] },
        privileged: true,
      },
    ]);
    // Privileged steps are single argv commands (sudoers can allow exactly them); the pool grep,
    // a script for its glob, runs unprivileged.
    expect(steps.filter((x) => x.privileged).map((x) => [x.id, 'argv' in x.command])).toEqual([
      ['socket', true],
      ['siblings', true],
      ['log', true],
    ]);
    expect(steps.find((x) => x.id === 'pools')?.privileged).toBeUndefined();
  });
});

describe('php-fpm parsers', () => {
  it('parses stat, pool listen lines and log lines', () => {
    expect(parseStatLine(fx('stat-ok.txt'))).toEqual({
      type: 'socket',
      owner: 'www-data',
      group: 'www-data',
      mode: '660',
      name: sock,
    });
    expect(parseStatLine(fx('stat-regular.txt'))?.type).toBe('regular empty file');
    expect(parsePoolListen(fx('listen-two-pools.txt')).listen).toEqual([
      { file: '/etc/php/8.2/fpm/pool.d/api.conf', value: '127.0.0.1:9001' },
      {
        file: '/etc/php/8.2/fpm/pool.d/www.conf',
        value: sock,
        owner: 'www-data',
        group: 'www-data',
        mode: '0660',
      },
    ]);
    expect(parseFpmLogLine(fx('log-saturated.txt').split('\n')[9] ?? '')).toEqual({
      raw: '[22-Nov-2026 02:43:58] WARNING: [pool www] server reached pm.max_children setting (1), consider raising it',
      at: Date.UTC(2026, 10, 22, 2, 43, 58),
      level: 'WARNING',
      message: '[pool www] server reached pm.max_children setting (1), consider raising it',
    });
  });
});

describe('php-fpm parse', () => {
  it('reports a running pool that reached pm.max_children', () => {
    const findings = run(healthy, all);
    expect(kinds(findings)).toEqual([
      ['unit-state', 'ok'],
      ['fpm-socket-ok', 'ok'],
      ['fpm-pool-listen', 'info'],
      ['fpm-saturated', 'critical'],
    ]);
    expect(findings[0]).toMatchObject({
      check: 'php-fpm',
      summary: 'php8.2-fpm.service is active (running)',
      data: {
        unit: 'php8.2-fpm.service',
        activeState: 'active',
        subState: 'running',
        running: true,
        nRestarts: 0,
      },
    });
    expect(findings[1]?.data).toEqual({ socket: sock, owner: 'www-data', group: 'www-data', mode: '660' });
    expect(findings[2]?.data).toEqual({
      listen: [
        { file: '/etc/php/8.2/fpm/pool.d/www.conf', value: sock, owner: 'www-data', group: 'www-data' },
      ],
      socketListed: true,
    });
    expect(findings[2]?.evidence).toEqual(fx('listen-default.txt').trimEnd().split('\n'));
    expect(findings[3]).toEqual({
      check: 'php-fpm',
      host: 'web1',
      kind: 'fpm-saturated',
      severity: 'critical',
      summary: 'pool www reached pm.max_children (1) 1× in the last 60 min',
      evidence: [
        '[22-Nov-2026 02:43:58] WARNING: [pool www] server reached pm.max_children setting (1), consider raising it',
      ],
      data: { count: 1, pool: 'www', maxChildren: 1 },
    });
  });

  it('emits the same unit-state as the systemd-unit check', () => {
    const mine = run(healthy, all)[0];
    const theirs = runCheck(
      systemdUnit,
      { show: execResult(fx('show-active.txt')) },
      { unit: 'php8.2-fpm.service' },
    )[0];
    expect({ ...mine, check: 'systemd-unit' }).toEqual(theirs);
  });

  it('keeps only log lines within the window', () => {
    const later = run({ ...healthy, ...logSteps('log-later.txt') }, { ...all, minutes: 1 });
    expect(later[3]).toEqual({
      check: 'php-fpm',
      host: 'web1',
      kind: 'fpm-log-ok',
      severity: 'ok',
      summary: 'no crash, timeout or full pool in the last 1 min',
      evidence: [],
      data: { log: '/var/log/php8.2-fpm.log', linesInWindow: 3 },
    });
    expect(run({ ...healthy, ...logSteps('log-later.txt') }, all)[3]?.kind).toBe('fpm-saturated');
  });

  it('reports a killed master and its removed socket', () => {
    const findings = run(
      {
        ...healthy,
        unit: execResult(fx('show-failed.txt')),
        socket: execResult('', { code: 1, stderr: fx('stat-removed.stderr.txt') }),
        siblings: execResult(fx('find-empty.txt')),
      },
      all,
    );
    expect(findings[0]).toMatchObject({
      kind: 'unit-state',
      severity: 'critical',
      summary: 'php8.2-fpm.service is failed (failed), result signal, main process killed by signal 9',
      data: {
        activeState: 'failed',
        result: 'signal',
        execMainCode: 'killed',
        execMainStatus: 9,
        running: false,
      },
    });
    expect(findings[1]).toEqual({
      check: 'php-fpm',
      host: 'web1',
      kind: 'fpm-socket-missing',
      severity: 'critical',
      summary: `FPM socket ${sock} does not exist`,
      evidence: [`stat: cannot statx '${sock}': No such file or directory`, 'no socket in /run/php'],
      data: { socket: sock, others: [] },
    });
  });

  it('names the other sockets when nginx points at an old path', () => {
    const old = '/run/php/php8.1-fpm.sock';
    const findings = run(
      {
        ...healthy,
        socket: execResult('', { code: 1, stderr: fx('stat-missing.stderr.txt') }),
        siblings: execResult(fx('find-ok.txt')),
      },
      { ...all, socket: old },
    );
    expect(findings[1]).toMatchObject({
      kind: 'fpm-socket-missing',
      summary: `FPM socket ${old} does not exist (/run/php has ${sock})`,
      evidence: [`stat: cannot statx '${old}': No such file or directory`, `sockets in /run/php: ${sock}`],
      data: { socket: old, others: [sock] },
    });
    expect(dataOf(findings[2]).socketListed).toBe(false);
    const noDir = run(
      {
        ...healthy,
        socket: execResult('', { code: 1, stderr: fx('stat-missing.stderr.txt') }),
        siblings: execResult('', { code: 1, stderr: fx('find-nodir.stderr.txt') }),
      },
      { ...all, socket: old },
    );
    expect(noDir[1]?.data).toEqual({ socket: old, others: [] });
  });

  it('reports a file that is not a socket, and a unit that is not installed', () => {
    const old = '/run/php/php8.1-fpm.sock';
    const findings = run(
      { ...healthy, unit: execResult(fx('show-notfound.txt')), socket: execResult(fx('stat-regular.txt')) },
      { ...all, unit: 'php8.1-fpm.service', socket: old },
    );
    expect(findings[0]).toMatchObject({
      kind: 'unit-state',
      severity: 'critical',
      summary: 'unit php8.1-fpm.service is not installed',
    });
    expect(findings[1]).toMatchObject({
      kind: 'fpm-socket-not-socket',
      severity: 'critical',
      summary: `${old} is a regular empty file, not a socket`,
      evidence: [`regular empty file|root|root|644|${old}`],
      data: { socket: old, owner: 'root', group: 'root', mode: '644', type: 'regular empty file' },
    });
  });

  it('lists several pools, and none when php-fpm has no pool files', () => {
    const two = run({ ...healthy, pools: execResult(fx('listen-two-pools.txt')) }, { unit: 'php8.2-fpm' });
    expect(two[1]).toMatchObject({
      kind: 'fpm-pool-listen',
      summary: `php-fpm pools listen on 127.0.0.1:9001, ${sock}`,
      data: { socketListed: null },
    });
    expect(two[1]?.evidence).toHaveLength(5);
    const none = run({ ...healthy, pools: execResult('', { code: 2 }) }, { unit: 'php8.2-fpm' });
    expect(none[1]).toMatchObject({
      kind: 'fpm-pool-listen',
      severity: 'info',
      summary: 'no php-fpm pool listen directive in /etc/php/*/fpm/pool.d/*.conf',
      data: { listen: [], socketListed: null },
    });
  });

  it('reports a missing or unreadable log', () => {
    const missing = run(
      {
        ...healthy,
        ...logSteps('log-missing.stdout.txt', { code: 1, stderr: fx('log-missing.stderr.txt') }),
      },
      { ...all, log: '/var/log/php8.1-fpm.log' },
    );
    expect(missing[3]).toEqual({
      check: 'php-fpm',
      host: 'web1',
      kind: 'fpm-log-missing',
      severity: 'warn',
      summary: '/var/log/php8.1-fpm.log does not exist',
      evidence: ["tail: cannot open '/var/log/php8.1-fpm.log' for reading: No such file or directory"],
      data: { log: '/var/log/php8.1-fpm.log' },
    });
    const denied = run(
      {
        ...healthy,
        ...logSteps('log-denied.stdout.txt', { code: 1, stderr: fx('log-denied.stderr.txt') }),
      },
      all,
    );
    expect(denied[3]).toMatchObject({ kind: 'fpm-log-unreadable', severity: 'warn' });
    const noTail = run(
      { ...healthy, log: execResult('', { code: 127, stderr: '/bin/sh: 1: tail: not found\n' }) },
      all,
    );
    expect(noTail[3]).toMatchObject({ kind: 'tool-missing', severity: 'info', data: { tool: 'tail' } });
    const noSudo = run(
      { ...healthy, log: execResult('', { code: 1, stderr: 'sudo: a password is required\n' }) },
      all,
    );
    expect(noSudo[3]).toMatchObject({
      kind: 'unparseable',
      severity: 'warn',
      summary: 'tail failed (exit 1), cannot check the php-fpm log',
      evidence: ['sudo: a password is required'],
    });
  });

  it('reports an absent systemctl as tool-missing and a host without systemd as unparseable', () => {
    const absent = run(
      { ...healthy, unit: execResult('', { code: 127, stderr: fx('show-absent.stderr.txt') }) },
      all,
    );
    expect(absent[0]).toEqual({
      check: 'php-fpm',
      host: 'web1',
      kind: 'tool-missing',
      severity: 'info',
      summary: 'systemctl is not installed, cannot check unit php8.2-fpm.service',
      evidence: ['/bin/sh: 1: systemctl: not found'],
      data: { tool: 'systemctl' },
    });
    expect(absent).toHaveLength(4);
    const noSystemd = run(
      { ...healthy, unit: execResult('', { code: 1, stderr: fx('show-nosystemd.stderr.txt') }) },
      all,
    );
    expect(noSystemd[0]).toMatchObject({
      kind: 'unparseable',
      severity: 'warn',
      evidence: [
        "System has not been booted with systemd as init system (PID 1). Can't operate.",
        'Failed to connect to bus: Host is down',
      ],
    });
  });

  it('reports garbage as unparseable', () => {
    const nginxLog = fixture('nginx-errors', 'provoked.txt');
    const findings = run(
      {
        unit: execResult(fx('listen-default.txt')),
        socket: execResult(fx('show-active.txt')),
        siblings: execResult(''),
        pools: execResult(fx('show-active.txt')),
        now: execResult(nginxLog.split('\n')[0] ?? ''),
        log: execResult(nginxLog.split('\n').slice(1).join('\n')),
      },
      all,
    );
    expect(kinds(findings)).toEqual([
      ['unparseable', 'warn'],
      ['unparseable', 'warn'],
      ['unparseable', 'warn'],
      ['unparseable', 'warn'],
    ]);
    expect(findings.map((x) => dataOf(x).tool)).toEqual(['systemctl', 'stat', 'grep', 'php-fpm']);
    expect(findings[1]?.evidence[0]).toBe('Result=success');
  });
});
