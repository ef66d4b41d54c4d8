import { describe, expect, it } from 'vitest';
import {
  type FpmEvent,
  fpmSaturation,
  parseFpmEvents,
  parseFpmLogLine,
} from '../../../src/core/checks/parsePhpFpm.js';
import { fixture } from '../../support/checkKit.js';

// Real captures: Debian bookworm's php8.2-fpm (8.2.36) run by hand as `php-fpm8.2 -F -y CONF` from a
// scratch directory, `error_log` to a scratch file, driven with cgi-fcgi (libfcgi-bin). Each file is
// `date '+%Y/%m/%d %H:%M:%S'; tail -n 5000 -- LOG` like the log-* fixtures (first line: the date).
// The scratch prefixes were rewritten to a server's: the script directory to /var/www/shop, the
// socket to /run/php/php8.2-fpm.sock, the config file to /etc/php/8.2/fpm/php-fpm.conf.
// events-crashes: pool www (pm.max_children 3, request_slowlog_timeout 3s,
//   request_terminate_timeout 10s, emergency_restart_threshold 3 in 1m): a script sleeping 15 s
//   (slow, then timed out and SIGTERMed), `kill -SEGV/-KILL/-ABRT/-BUS` of workers, three quick
//   SEGVs (threshold, reload), 5 concurrent requests (max_children), a script calling exit(3) via FFI.
// events-busy: the same with `chdir` writable and rlimit_core unlimited (SIGSEGV - core dumped), a
//   second pool shop (min_spare 10, max_children 50) hit by 45 concurrent slow requests (seems busy),
//   and a script writing to stderr with catch_workers_output.
// events-ondemand: pool api, pm = ondemand, max_children 2, 4 concurrent requests.
// events-bind-socket: a second FPM on the first one's socket; events-bind-tcp: a pool on
// 127.0.0.1:9000 while another process listens there; events-badconfig: pm.max_children = 0, run
// once with -t and once to start.
const lines = (name: string) =>
  fixture('php-fpm', name)
    .split('\n')
    .map(parseFpmLogLine)
    .filter((l) => l !== undefined);
const events = (name: string) => parseFpmEvents(lines(name));
const www = { level: 'WARNING', pool: 'www' };
const signalled = (pid: number, signal: number, signalName: string) => ({
  ...www,
  kind: 'child-signal' as const,
  pid,
  signal,
  signalName,
  coreDumped: false,
});

const cases: { file: string; expected: Partial<FpmEvent>[] }[] = [
  {
    file: 'events-crashes.txt',
    expected: [
      {
        ...www,
        kind: 'slow-request',
        pid: 32475,
        script: '/var/www/shop/sleep.php',
        request: 'GET /sleep.php?s=15',
        seconds: 3.661116,
      },
      {
        ...www,
        kind: 'execution-timeout',
        pid: 32475,
        script: '/var/www/shop/sleep.php',
        request: 'GET /sleep.php?s=15',
        seconds: 10.668668,
      },
      { ...signalled(32475, 15, 'SIGTERM'), afterSeconds: 16.023507 },
      signalled(32474, 11, 'SIGSEGV'),
      signalled(532, 9, 'SIGKILL'),
      signalled(644, 6, 'SIGABRT'),
      signalled(749, 7, 'SIGBUS'),
      signalled(862, 11, 'SIGSEGV'),
      { kind: 'failed-threshold', level: 'WARNING', pool: null, pid: null, failures: 3, seconds: 60 },
      signalled(1188, 11, 'SIGSEGV'),
      signalled(1189, 11, 'SIGSEGV'),
      { ...www, kind: 'max-children', pid: null, maxChildren: 3 },
      { ...www, kind: 'child-exit', pid: 1285, code: 3, afterSeconds: 3.187142 },
    ],
  },
  {
    file: 'events-busy.txt',
    expected: [
      { ...signalled(1861, 11, 'SIGSEGV'), coreDumped: true, afterSeconds: 3.656511 },
      { kind: 'seems-busy', pool: 'shop', spawning: 8, idle: 0, total: 17 },
      { kind: 'seems-busy', pool: 'shop', spawning: 16, idle: 0, total: 25 },
      { kind: 'seems-busy', pool: 'shop', spawning: 32, idle: 0, total: 35 },
      { kind: 'seems-busy', pool: 'shop', spawning: 32, idle: 0, total: 45 },
      { kind: 'max-children', pool: 'shop', maxChildren: 50 },
      {
        ...www,
        kind: 'other',
        pid: 1862,
        message: '[pool www] child 1862 said into stderr: "payment gateway unreachable"',
      },
    ],
  },
  { file: 'events-ondemand.txt', expected: [{ kind: 'max-children', pool: 'api', maxChildren: 2 }] },
  {
    file: 'events-bind-socket.txt',
    expected: [
      {
        kind: 'bind-failed',
        level: 'ERROR',
        pool: null,
        address: '/run/php/php8.2-fpm.sock',
        reason: 'another FPM instance listens there',
      },
      { kind: 'init-failed', level: 'ERROR' },
    ],
  },
  {
    file: 'events-bind-tcp.txt',
    expected: [
      { kind: 'bind-failed', address: '127.0.0.1:9000', reason: 'Address already in use (98)' },
      { kind: 'init-failed' },
    ],
  },
  {
    file: 'events-badconfig.txt',
    expected: [1, 2, 3].flatMap(() => [
      {
        kind: 'other',
        level: 'ALERT',
        pool: 'api',
        message: '[pool api] pm.max_children must be a positive value',
      },
      { kind: 'other', level: 'ERROR', pool: null, message: 'failed to post process the configuration' },
      { kind: 'init-failed', level: 'ERROR' },
    ]),
  },
  { file: 'log-saturated.txt', expected: [{ kind: 'max-children', pool: 'www', maxChildren: 1 }] },
];

describe('php-fpm log events', () => {
  it.each(cases)('$file', ({ file, expected }) => {
    const got = events(file);
    expect(got).toMatchObject(expected);
    const text = fixture('php-fpm', file).split('\n');
    for (const e of got) {
      expect(text).toContain(e.line);
      expect(e.at).toBe(parseFpmLogLine(e.line)?.at);
    }
  });

  it('keeps the verbatim line and the naive time of the line', () => {
    const [timeout] = events('events-crashes.txt').filter((e) => e.kind === 'execution-timeout');
    expect(timeout).toEqual({
      line: `[02-Dec-2026 15:44:47] WARNING: [pool www] child 32475, script '/var/www/shop/sleep.php' (request: "GET /sleep.php?s=15") execution timed out (10.668668 sec), terminating`,
      at: Date.UTC(2026, 11, 2, 15, 44, 47),
      level: 'WARNING',
      pool: 'www',
      pid: 32475,
      kind: 'execution-timeout',
      script: '/var/www/shop/sleep.php',
      request: 'GET /sleep.php?s=15',
      seconds: 10.668668,
    });
  });

  it('yields nothing for NOTICE lines: starts, reloads, reaped and started children', () => {
    const notices = lines('events-crashes.txt').filter((l) => l.level === 'NOTICE');
    expect(notices.length).toBeGreaterThan(15);
    expect(parseFpmEvents(notices)).toEqual([]);
  });

  it('agrees with fpmSaturation on the pools that reached max_children', () => {
    for (const file of ['events-busy.txt', 'events-ondemand.txt', 'events-crashes.txt']) {
      const fromEvents = events(file).flatMap((e) =>
        e.kind === 'max-children' ? [[e.pool, e.maxChildren]] : [],
      );
      expect(fpmSaturation(lines(file)).map((s) => [s.pool, s.maxChildren])).toEqual(fromEvents);
    }
  });
});
