import { describe, expect, it } from 'vitest';
import { nginxErrors, nginxErrorsParams } from '../../../src/core/checks/nginxErrors.js';
import {
  groupUpstreamErrors,
  nginxTime,
  parseNginxErrorLine,
  parseUpstreamAddress,
} from '../../../src/core/checks/parseNginxErrorLog.js';
import { toShell } from '../../../src/core/command.js';
import type { ExecResult } from '../../../src/core/ports.js';
import { checkContext, dataOf, execResult, fixture, runCheck } from '../../support/checkKit.js';

// The fixtures were captured as `date '+%Y/%m/%d %H:%M:%S'; tail -n 5000 -- LOG`: their first line is
// the output of the `now` step (date), the rest (and stderr, exit code) that of the `tail` step.
// provoked.txt: nginx 1.22.1 (nginx-light) run in a private network namespace with workers as
//   www-data, provoked into each upstream failure: fastcgi_pass to a missing socket (2), to a
//   root 0600 socket (13), to a unix socket with a full backlog (11), proxy_pass to a closed port
//   (111), to a server that closes (prematurely closed) or resets (104) after the request, an
//   upstream block of two dead servers (111 ×2 then "no live upstreams"), proxy_connect_timeout 1s
//   to a DROPped address (110 connecting), proxy_read_timeout 1s to a silent server (110 reading),
//   a huge header with proxy_buffer_size 1k, and fake FastCGI servers answering END_REQUEST only
//   ("unexpected FastCGI record") or an empty STDOUT ("prematurely closed FastCGI stdout").
// debian-*.txt: Debian bookworm container (systemd, stock nginx + php8.2-fpm) after `kill -9` of
//   the FPM master (stale socket: 111) and then removing the socket (2).
// missing/denied: tail of a missing log, and of a 0640 log as an unprivileged user.
// tail-absent: the script run with a PATH that holds only `date`.
const fx = (name: string) => fixture('nginx-errors', name);

const ctx = checkContext();
/** A capture split into the two steps: its first line is date's stdout, the rest is tail's. */
const run = (capture: ExecResult, params: unknown = {}) => {
  const [date = '', ...rest] = capture.stdout.split('\n');
  const now = execResult(`${date}\n`);
  return runCheck(nginxErrors, { now, tail: { ...capture, stdout: rest.join('\n') } }, params);
};
const byErrno = (findings: ReturnType<typeof run>, kind: string, errno: number | null, upstream: string) =>
  findings.find(
    (x) => dataOf(x).errorKind === kind && dataOf(x).errno === errno && dataOf(x).upstream === upstream,
  );

describe('nginx-errors params and steps', () => {
  it('defaults and strictness', () => {
    expect(nginxErrorsParams.parse({})).toEqual({
      errorLog: '/var/log/nginx/error.log',
      minutes: 15,
      maxLines: 5000,
    });
    expect(() => nginxErrorsParams.parse({ other: 1 })).toThrow();
    expect(() => nginxErrorsParams.parse({ minutes: 1.5 })).toThrow();
    expect(() => nginxErrorsParams.parse({ errorLog: 'error.log' })).toThrow();
  });

  it('reads the host time unprivileged, then tails the log with a privileged argv command', () => {
    expect(nginxErrors.steps(nginxErrorsParams.parse({}), ctx)).toEqual([
      { id: 'now', command: { argv: ['date', '+%Y/%m/%d %H:%M:%S'] } },
      {
        id: 'tail',
        command: { argv: ['tail', '-n', '5000', '--', '/var/log/nginx/error.log'] },
        privileged: true,
      },
    ]);
  });

  it('passes a hostile path as one argv word, never through a shell', () => {
    const steps = nginxErrors.steps(
      nginxErrorsParams.parse({ errorLog: "/tmp/a'b; rm -rf /", maxLines: 20 }),
      ctx,
    );
    expect(steps[1]?.command).toEqual({ argv: ['tail', '-n', '20', '--', "/tmp/a'b; rm -rf /"] });
    expect(toShell(steps[1]?.command ?? { argv: [] })).toBe("tail -n 20 -- '/tmp/a'\\''b; rm -rf /'");
    expect(steps.filter((s) => s.privileged).every((s) => 'argv' in s.command)).toBe(true);
  });
});

describe('parseNginxErrorLine', () => {
  it('splits a line into its fields', () => {
    const line = fx('provoked.txt').split('\n')[2] as string;
    expect(parseNginxErrorLine(line)).toEqual({
      raw: line,
      time: '2026/11/22 02:41:21',
      at: Date.UTC(2026, 10, 22, 2, 41, 21),
      level: 'crit',
      pid: 31404,
      connection: 3,
      message:
        'connect() to unix:/tmp/medicfx/run/root600.sock failed (13: Permission denied) while connecting to upstream',
      client: '127.0.0.1',
      server: 'blog.example.com',
      request: 'GET /index.php?p=1 HTTP/1.1',
      upstream: 'fastcgi://unix:/tmp/medicfx/run/root600.sock:',
      host: 'blog.example.com',
      kind: 'connect-failed',
      errno: 13,
      errnoText: 'Permission denied',
      phase: 'connecting',
      upstreamBase: 'fastcgi://unix:/tmp/medicfx/run/root600.sock',
      unixSocket: '/tmp/medicfx/run/root600.sock',
      upstreamHost: null,
      upstreamPort: null,
      during: 'connecting to upstream',
      call: 'connect',
      detail: null,
    });
  });

  it('reads lines without a connection or client fields, and rejects other text', () => {
    const notice = parseNginxErrorLine('2026/11/22 02:41:35 [notice] 31585#31585: signal process started');
    expect(notice).toMatchObject({ level: 'notice', connection: null, message: 'signal process started' });
    expect(notice).toMatchObject({ kind: 'other', upstream: null, client: null });
    expect(parseNginxErrorLine('[22-Nov-2026 02:43:58] WARNING: [pool www] server reached')).toBeUndefined();
  });

  it('parses upstream addresses and times', () => {
    expect(parseUpstreamAddress('http://[::1]:8080/x')).toEqual({
      base: 'http://[::1]:8080',
      unixSocket: null,
      host: '::1',
      port: 8080,
    });
    expect(parseUpstreamAddress('http://unix:/run/app.sock:/api/')).toEqual({
      base: 'http://unix:/run/app.sock',
      unixSocket: '/run/app.sock',
      host: null,
      port: null,
    });
    expect(nginxTime('2026/11/22 02:43:42')).toBe(Date.UTC(2026, 10, 22, 2, 43, 42));
    expect(nginxTime('Sun Nov 22 02:43:42 UTC 2026')).toBeUndefined();
  });

  it('groups by kind, errno and upstream without URI; ignores non-upstream and warn-level lines', () => {
    const lines = fx('provoked.txt').split('\n').slice(1);
    const groups = groupUpstreamErrors(lines.flatMap((l) => parseNginxErrorLine(l) ?? []));
    expect(groups).toHaveLength(14);
    expect(groups.find((g) => g.errno === 11)).toMatchObject({
      kind: 'connect-failed',
      upstream: 'fastcgi://unix:/tmp/medicfx/run/backlog.sock',
      count: 7,
    });
  });
});

describe('nginx-errors parse', () => {
  it('reports each provoked failure as its own group', () => {
    const findings = run(execResult(fx('provoked.txt')));
    expect(findings).toHaveLength(14);
    expect(findings.map((x) => x.kind)).not.toContain('nginx-errors-none');
    expect(findings.filter((x) => x.severity === 'critical')).toHaveLength(14);

    const enoent = byErrno(findings, 'connect-failed', 2, 'fastcgi://unix:/tmp/medicfx/run/php8.1-fpm.sock');
    expect(enoent?.data).toEqual({
      requestHost: 'shop.example.com',
      fresh: 0,
      freshSeconds: 20,
      errorKind: 'connect-failed',
      errno: 2,
      upstream: 'fastcgi://unix:/tmp/medicfx/run/php8.1-fpm.sock',
      unixSocket: '/tmp/medicfx/run/php8.1-fpm.sock',
      upstreamHost: null,
      upstreamPort: null,
      count: 1,
      first: '2026/11/22 02:41:21',
      last: '2026/11/22 02:41:21',
      server: 'shop.example.com',
      phase: 'connecting',
      during: 'connecting to upstream',
      call: 'connect',
      detail: null,
    });
    expect(enoent?.summary).toBe(
      'connect() to unix:/tmp/medicfx/run/php8.1-fpm.sock failed (2: No such file or directory): 1× in the last 15 min',
    );
    expect(
      byErrno(findings, 'connect-failed', 13, 'fastcgi://unix:/tmp/medicfx/run/root600.sock'),
    ).toBeDefined();

    const refused = byErrno(findings, 'connect-failed', 111, 'http://127.0.0.1:18999');
    expect(refused?.data).toMatchObject({
      upstreamHost: '127.0.0.1',
      upstreamPort: 18999,
      server: 'api.example.com',
    });
    expect(refused?.evidence).toEqual([
      '2026/11/22 02:41:21 [error] 31405#31405: *5 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: api.example.com, request: "GET /v1/orders HTTP/1.1", upstream: "http://127.0.0.1:18999/v1/orders", host: "api.example.com"',
    ]);

    expect(dataOf(byErrno(findings, 'prematurely-closed', null, 'http://127.0.0.1:18901')).phase).toBe(
      'reading',
    );
    const fcgi = byErrno(
      findings,
      'prematurely-closed',
      null,
      'fastcgi://unix:/tmp/medicfx/run/fcgi-empty.sock',
    );
    expect(fcgi?.evidence[0]).toContain('upstream prematurely closed FastCGI stdout');
    expect(dataOf(byErrno(findings, 'recv-reset', 104, 'http://127.0.0.1:18902')).upstreamPort).toBe(18902);
    expect(byErrno(findings, 'too-big-header', null, 'http://127.0.0.1:18903')?.severity).toBe('critical');
    expect(dataOf(byErrno(findings, 'upstream-timeout', 110, 'http://127.0.0.1:18904')).phase).toBe(
      'reading',
    );
    const blackholed = byErrno(findings, 'upstream-timeout', 110, 'http://10.200.0.2:80');
    expect(blackholed?.data).toMatchObject({
      phase: 'connecting',
      upstreamHost: '10.200.0.2',
      upstreamPort: 80,
    });
    expect(blackholed?.summary).toBe(
      'http://10.200.0.2:80 timed out while connecting: 1× in the last 15 min',
    );
    expect(byErrno(findings, 'no-live-upstreams', null, 'http://app_pool')?.data).toMatchObject({
      upstreamHost: 'app_pool',
      upstreamPort: null,
      count: 1,
    });

    const busy = byErrno(findings, 'connect-failed', 11, 'fastcgi://unix:/tmp/medicfx/run/backlog.sock');
    expect(busy?.data).toMatchObject({ count: 7, first: '2026/11/22 02:41:36', server: 'fcgi.example.com' });
    expect(busy?.evidence).toHaveLength(3);
    expect(busy?.evidence[2]).toContain('*41 connect() to unix:/tmp/medicfx/run/backlog.sock failed (11:');

    // A FastCGI server that ends the request before any output: its own kind, with the record type.
    expect(
      byErrno(findings, 'unexpected-fastcgi-record', null, 'fastcgi://unix:/tmp/medicfx/run/fcgi-end.sock'),
    ).toMatchObject({ severity: 'critical', data: { detail: 'record: 3', phase: 'reading' } });
    // Most recent causes first.
    expect(dataOf(findings[0]).last).toBe('2026/11/22 02:41:36');
  });

  it('keeps only lines within the window before the host time (naive local times)', () => {
    expect(run(execResult(fx('provoked.txt')), { minutes: 2 })).toEqual([
      {
        check: 'nginx-errors',
        host: 'web1',
        kind: 'nginx-errors-none',
        severity: 'ok',
        summary: 'no upstream errors in the last 2 min of /var/log/nginx/error.log',
        evidence: ['host time 2026/11/22 02:43:42, 0 of 21 lines in the window'],
        data: { errorLog: '/var/log/nginx/error.log', linesRead: 21, linesInWindow: 0 },
      },
    ]);
    // The same real log read 15 minutes later: only the 02:41:35+ lines are still in the window.
    const later = fx('provoked.txt').replace(/^.*\n/, '2026/11/22 02:56:30\n');
    const findings = run(execResult(later));
    // Both last seen at 02:41:36: the more frequent first.
    expect(findings.map((x) => dataOf(x).errorKind)).toEqual(['connect-failed', 'prematurely-closed']);
    expect(findings[0]?.data).toMatchObject({ errno: 11, count: 7 });
  });

  it('orders a Debian php-fpm outage most recent first', () => {
    const stale = run(execResult(fx('debian-stale-socket.txt')));
    expect(stale).toHaveLength(1);
    expect(stale[0]?.data).toEqual({
      requestHost: 'shop.example.com',
      fresh: 3,
      freshSeconds: 20,
      errorKind: 'connect-failed',
      errno: 111,
      upstream: 'fastcgi://unix:/run/php/php8.2-fpm.sock',
      unixSocket: '/run/php/php8.2-fpm.sock',
      upstreamHost: null,
      upstreamPort: null,
      count: 3,
      first: '2026/11/22 02:44:43',
      last: '2026/11/22 02:44:43',
      server: 'shop.example.com',
      phase: 'connecting',
      during: 'connecting to upstream',
      call: 'connect',
      detail: null,
    });
    const gone = run(execResult(fx('debian-enoent.txt')));
    expect(gone.map((x) => [dataOf(x).errno, dataOf(x).count])).toEqual([
      [2, 1],
      [111, 3],
    ]);
    expect(gone[0]?.evidence).toEqual([fx('debian-enoent.txt').trimEnd().split('\n').pop()]);
  });

  it('reports an empty log as no errors', () => {
    expect(run(execResult(fx('empty-log.txt')))).toMatchObject([
      { kind: 'nginx-errors-none', severity: 'ok', data: { linesRead: 0, linesInWindow: 0 } },
    ]);
  });

  it('reports a missing or unreadable log', () => {
    expect(
      run(execResult(fx('missing.stdout.txt'), { code: 1, stderr: fx('missing.stderr.txt') }), {
        errorLog: '/var/log/nginx/error-missing.log',
      }),
    ).toEqual([
      {
        check: 'nginx-errors',
        host: 'web1',
        kind: 'nginx-errorlog-missing',
        severity: 'warn',
        summary: '/var/log/nginx/error-missing.log does not exist',
        evidence: [
          "tail: cannot open '/var/log/nginx/error-missing.log' for reading: No such file or directory",
        ],
        data: { errorLog: '/var/log/nginx/error-missing.log' },
      },
    ]);
    expect(
      run(execResult(fx('denied.stdout.txt'), { code: 1, stderr: fx('denied.stderr.txt') })),
    ).toMatchObject([
      {
        kind: 'nginx-errorlog-unreadable',
        severity: 'warn',
        evidence: ["tail: cannot open '/var/log/nginx/error.log' for reading: Permission denied"],
      },
    ]);
  });

  it('reports an absent tail as tool-missing', () => {
    expect(
      run(execResult(fx('tail-absent.stdout.txt'), { code: 127, stderr: fx('tail-absent.stderr.txt') })),
    ).toMatchObject([
      {
        kind: 'tool-missing',
        severity: 'info',
        data: { tool: 'tail' },
        evidence: ['/bin/sh: 1: tail: not found'],
      },
    ]);
  });

  it('reports a failed date step, and a tail that fails without output', () => {
    const tail = execResult(fx('provoked.txt').split('\n').slice(1).join('\n'));
    expect(
      runCheck(nginxErrors, {
        now: execResult('', { code: 127, stderr: '/bin/sh: 1: date: not found\n' }),
        tail,
      }),
    ).toMatchObject([{ kind: 'tool-missing', severity: 'info', data: { tool: 'date' } }]);
    const now = execResult('2026/11/22 02:43:42\n');
    expect(
      runCheck(nginxErrors, {
        now,
        tail: execResult('', { code: 1, stderr: 'sudo: a password is required\n' }),
      }),
    ).toMatchObject([
      {
        kind: 'unparseable',
        severity: 'warn',
        summary: 'tail failed (exit 1), cannot check the nginx error log',
        evidence: ['sudo: a password is required'],
        data: { tool: 'tail', code: 1 },
      },
    ]);
  });

  it('reports garbage as unparseable', () => {
    // date printed something else: the evidence is what it printed.
    const notDate = fixture('php-fpm', 'show-active.txt');
    const [garbage] = runCheck(nginxErrors, {
      now: execResult(notDate),
      tail: execResult(fx('provoked.txt').split('\n').slice(1).join('\n')),
    });
    expect(garbage).toMatchObject({ kind: 'unparseable', severity: 'warn', data: { tool: 'date' } });
    expect(garbage?.evidence).toEqual([
      'Result=success',
      'NRestarts=0',
      'ExecMainPID=37',
      'ExecMainCode=0',
      'ExecMainStatus=0',
    ]);
    // A php-fpm log given as the nginx error log: the date parses, the lines do not.
    const fpmLog = fixture('php-fpm', 'log-saturated.txt');
    const [wrongLog] = run(execResult(fpmLog));
    expect(wrongLog).toMatchObject({ kind: 'unparseable', severity: 'warn', data: { tool: 'nginx' } });
    expect(wrongLog?.evidence[0]).toBe('[22-Nov-2026 02:43:25] NOTICE: fpm is running, pid 37');
    expect(wrongLog?.evidence).toHaveLength(5);
  });
});
