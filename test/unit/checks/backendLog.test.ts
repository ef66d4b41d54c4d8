import { describe, expect, it } from 'vitest';
import {
  type BackendEvent,
  parseBackendLog,
  parseJournalLine,
} from '../../../src/core/checks/parseBackendLog.js';
import { fixture } from '../../support/checkKit.js';

// Real captures, each the stdout of `journalctl -u UNIT --no-pager -o short-iso --since -15min -n 300`
// (some with a wider --since) on a fleet host (Debian bookworm, systemd 252, the base image of
// test/fleet) running units whose ExecStart is the real program, so systemd's lines and the journal
// framing of the program's own lines are both real. gunicorn 20.1.0, uwsgi 2.0.21 and python3 are
// Debian's packages installed on that host; gunicorn23-*: gunicorn 23.0.0 from its source tag in a
// virtualenv-like layout under /srv/shop/venv; node is Debian's 18.20.4.
// - gunicorn20/23: --timeout 5 and requests that sleep (WORKER TIMEOUT), raise, os.abort(), SIGSEGV
//   themselves, os._exit(3) (23: the master halts), allocate past MemoryMax=150M (the cgroup kills
//   the worker), `kill -KILL` of a worker and of the master; *-in-use: a second copy on the same port;
//   *-boot: an app module that imports a missing package.
// - uwsgi-harakiri: --harakiri 5 --listen 5, one worker, 12 concurrent slow requests, then a stop
//   (SIGTERM reloads uWSGI 2.0: systemd's stop times out); uwsgi-in-use: a second copy on the port;
//   uwsgi-no-app: the missing-package module; uwsgi-crash: two workers, abort/SIGSEGV/exit(3), kill -9.
// - node-crashloop: Restart=always, StartLimitBurst=3, three requests that crash the app (TypeError,
//   a throw in a timer, an unhandled rejection), then a manual start; node-eaddrinuse: a second app on
//   the port; node-heap: --max-old-space-size=24 with LimitCORE=infinity; node-memory-limit: MemoryMax=64M
//   (cgroup v1 on that machine: systemd reports the SIGKILL, not 'oom-kill'); node-segv-boots: SIGSEGV
//   without, then with LimitCORE=infinity, after the journal's boot id changed (a container restart
//   with a fresh /proc/sys/kernel/random/boot_id bound over the host's: journalctl's `-- Boot --`);
//   node-logged-errors: an app logging a caught ECONNREFUSED, then a rejection with a string reason.
// - sh-killed / bash-killed: `sh -c` / `bash -c` around a node leaking past MemoryMax; start-timeout:
//   Type=notify that never notifies, TimeoutStartSec=3; start-limit-boots: a unit exiting 0 with
//   Restart=always (three runs, the last after a boot-id change); python-in-use: http.server on a taken
//   port; python-chained: a KeyError re-raised as RuntimeError; no-entries: an unknown unit.
const fx = (name: string) => fixture('backend-logs', name);
const parse = (name: string) => parseBackendLog(fx(name));

/** Kinds in order, runs of the same kind written `kind xN`. */
function runs(events: BackendEvent[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < events.length; ) {
    let j = i;
    while (events[j]?.kind === events[i]?.kind) j++;
    out.push(j - i > 1 ? `${events[i]?.kind} x${j - i}` : (events[i]?.kind ?? ''));
    i = j;
  }
  return out;
}

const exited = (unit: string, how: string, status: number, statusName: string) => ({
  kind: 'main-exited',
  program: 'systemd',
  pid: 1,
  unit,
  how,
  status,
  statusName,
});
const failed = (unit: string, result: string) => ({ kind: 'unit-failed', unit, result });
const sig = (workerPid: number, signal: number, signalName: string, more: object = {}) => ({
  kind: 'worker-signal',
  workerPid,
  signal,
  signalName,
  coreDumped: false,
  hint: null,
  ...more,
});
const py = (error: string, origin: string, request: string | null = null) => ({
  kind: 'exception',
  language: 'python',
  error,
  origin,
  request,
});
const crashLoop = ['main-exited', 'unit-failed', 'restart-scheduled', 'stopped'];
const restartRun = ['deactivated', 'restart-scheduled', 'stopped'];
const limitHit = ['start-limit-hit', 'unit-failed', 'start-failed'];

const cases: { file: string; kinds: string[]; has: object[] }[] = [
  {
    file: 'gunicorn20.txt',
    kinds: ['worker-timeout', 'exception', 'worker-signal x4', ...crashLoop, 'deactivated', 'stopped'],
    has: [
      { kind: 'worker-timeout', program: 'gunicorn', pid: 625, workerPid: 628, worker: null, request: null },
      { ...py("KeyError: 'total'", 'File "/srv/shop/app.py", line 12, in app', '/error'), pid: 627 },
      sig(627, 6, 'SIGABRT', { pid: 625, worker: null }),
      sig(631, 11, 'SIGSEGV'),
      sig(636, 9, 'SIGKILL'),
      sig(645, 9, 'SIGKILL'),
      exited('shop.service', 'killed', 9, 'KILL'),
      failed('shop.service', 'signal'),
      { kind: 'restart-scheduled', unit: 'shop.service', counter: 1 },
      { kind: 'stopped', unit: 'shop.service', description: 'Shop (gunicorn)' },
      { kind: 'deactivated', unit: 'shop.service' },
    ],
  },
  {
    file: 'gunicorn20-in-use.txt',
    kinds: ['address-in-use x5', 'bind-failed', 'main-exited', 'unit-failed'],
    has: [
      { kind: 'address-in-use', pid: 650, address: "('127.0.0.1', 8000)" },
      { kind: 'bind-failed', address: "('127.0.0.1', 8000)" },
      exited('shop-second.service', 'exited', 1, 'FAILURE'),
      failed('shop-second.service', 'exit-code'),
    ],
  },
  {
    file: 'gunicorn20-boot.txt',
    kinds: ['exception', 'boot-failed', 'main-exited', 'unit-failed'],
    has: [
      py(
        "ModuleNotFoundError: No module named 'psycopg2'",
        'File "/srv/shop/broken.py", line 1, in <module>',
      ),
      { kind: 'boot-failed', pid: 653, reason: 'Worker failed to boot.' },
      exited('shop-broken.service', 'exited', 3, 'NOTIMPLEMENTED'),
    ],
  },
  {
    file: 'gunicorn23.txt',
    kinds: [
      'worker-timeout',
      'exception',
      'worker-signal x2',
      'worker-exit',
      'boot-failed',
      'main-exited',
      'unit-failed',
      'worker-signal x3',
      'deactivated',
      'stopped',
    ],
    has: [
      { kind: 'worker-timeout', pid: 677, workerPid: 680 },
      {
        ...py(
          'SystemExit: 1',
          'File "/srv/shop/venv/lib/python3.11/site-packages/gunicorn/workers/base.py", line 204, in handle_abort',
          '/slow',
        ),
        pid: 680,
      },
      sig(679, 6, 'SIGABRT', { coreDumped: true }),
      sig(683, 11, 'SIGSEGV', { coreDumped: true }),
      { kind: 'worker-exit', workerPid: 688, worker: null, code: 3 },
      { kind: 'boot-failed', reason: 'Worker failed to boot.' },
      exited('shop23.service', 'exited', 3, 'NOTIMPLEMENTED'),
      sig(736, 9, 'SIGKILL', { hint: 'Perhaps out of memory?' }),
      sig(737, 9, 'SIGKILL', { hint: 'Perhaps out of memory?' }),
      sig(740, 15, 'SIGTERM'),
    ],
  },
  {
    file: 'gunicorn23-in-use.txt',
    kinds: [
      'worker-signal',
      'deactivated',
      'stopped',
      'address-in-use x5',
      'bind-failed',
      'main-exited',
      'unit-failed',
    ],
    has: [
      sig(697, 15, 'SIGTERM'),
      { kind: 'address-in-use', pid: 748, address: "('127.0.0.1', 8002)" },
      { kind: 'bind-failed', pid: 748, address: "('127.0.0.1', 8002)" },
    ],
  },
  {
    file: 'gunicorn23-boot.txt',
    kinds: ['exception', 'worker-exit', 'boot-failed', 'main-exited', 'unit-failed'],
    has: [
      py(
        "ModuleNotFoundError: No module named 'psycopg2'",
        'File "/srv/shop/broken.py", line 1, in <module>',
      ),
      { kind: 'worker-exit', pid: 699, workerPid: 701, code: 3 },
      { kind: 'boot-failed', pid: 699, reason: 'Worker failed to boot.' },
    ],
  },
  {
    file: 'uwsgi-harakiri.txt',
    kinds: [
      'worker-timeout',
      'worker-signal',
      'exception',
      ...[1, 2, 3, 4].flatMap(() => ['listen-queue-full x6', 'worker-timeout', 'worker-signal']),
      ...[1, 2, 3, 4, 5].flatMap(() => ['worker-timeout', 'worker-signal']),
      'unit-timeout',
      'main-exited',
      'unit-failed',
      'stopped',
    ],
    has: [
      { kind: 'worker-timeout', program: 'uwsgi', pid: 764, worker: 1, workerPid: 766, request: 'GET /slow' },
      sig(766, 9, 'SIGKILL', { pid: 764, worker: 1 }),
      { ...py("KeyError: 'total'", 'File "app.py", line 12, in app'), pid: 769 },
      { kind: 'listen-queue-full', pid: 764, socket: '127.0.0.1:8001', queued: 6, backlog: 5 },
      { kind: 'listen-queue-full', socket: '127.0.0.1:8001', queued: 5, backlog: 5 },
      { kind: 'worker-timeout', worker: 1, workerPid: 803, request: 'GET /slow' },
      { kind: 'unit-timeout', unit: 'legacy.service', state: 'stop-sigterm' },
      exited('legacy.service', 'killed', 9, 'KILL'),
      failed('legacy.service', 'timeout'),
    ],
  },
  {
    file: 'uwsgi-in-use.txt',
    kinds: ['address-in-use', 'main-exited', 'unit-failed'],
    has: [{ kind: 'address-in-use', pid: 788, address: '127.0.0.1:8001' }],
  },
  {
    file: 'uwsgi-no-app.txt',
    kinds: [
      'exception',
      'boot-failed x2',
      'exception',
      'boot-failed',
      'unit-timeout',
      'main-exited',
      'unit-failed',
      'stopped',
    ],
    has: [
      {
        ...py("ModuleNotFoundError: No module named 'psycopg2'", 'File "broken.py", line 1, in <module>'),
        pid: 791,
      },
      {
        kind: 'boot-failed',
        pid: 791,
        reason: "unable to load app 0 (mountpoint='') (callable not found or import error)",
      },
      {
        kind: 'boot-failed',
        pid: 793,
        reason: '--- no python application found, check your startup logs for errors ---',
      },
    ],
  },
  {
    file: 'uwsgi-crash.txt',
    kinds: ['worker-signal x2', 'worker-exit x2', 'worker-signal', 'deactivated', 'stopped'],
    has: [
      sig(839, 6, 'SIGABRT', { pid: 837, worker: 1 }),
      sig(843, 11, 'SIGSEGV', { pid: 843, worker: null }),
      { kind: 'worker-exit', pid: 837, worker: 1, workerPid: 843, code: null },
      { kind: 'worker-exit', worker: 1, workerPid: 846, code: null },
      sig(840, 9, 'SIGKILL', { worker: 2 }),
    ],
  },
  {
    file: 'node-crashloop.txt',
    kinds: [1, 2, 3].flatMap(() => ['exception', ...crashLoop]).concat(limitHit, limitHit),
    has: [
      {
        kind: 'exception',
        language: 'node',
        pid: 463,
        error: "TypeError: Cannot read properties of undefined (reading 'total')",
        origin: '/srv/api/app.js:7',
      },
      {
        kind: 'exception',
        pid: 483,
        error: 'Error: payment provider returned 500',
        origin: '/srv/api/app.js:12',
      },
      { kind: 'exception', pid: 492, error: 'Error: database connection lost', origin: '/srv/api/app.js:18' },
      { kind: 'restart-scheduled', unit: 'api.service', counter: 3 },
      { kind: 'start-limit-hit', unit: 'api.service' },
      { kind: 'start-failed', unit: 'api.service', description: 'Shop API (Node.js)' },
    ],
  },
  {
    file: 'node-eaddrinuse.txt',
    kinds: ['address-in-use', 'main-exited', 'unit-failed'],
    has: [{ kind: 'address-in-use', program: 'node', pid: 473, address: ':::8080' }],
  },
  {
    file: 'node-heap.txt',
    kinds: ['heap-oom', 'main-exited', 'unit-failed'],
    has: [
      {
        kind: 'heap-oom',
        pid: 518,
        message: 'Reached heap limit Allocation failed - JavaScript heap out of memory',
      },
      exited('api-heap.service', 'dumped', 6, 'ABRT'),
      failed('api-heap.service', 'core-dump'),
    ],
  },
  {
    file: 'node-memory-limit.txt',
    kinds: ['main-exited', 'unit-failed'],
    has: [exited('api-oom.service', 'killed', 9, 'KILL'), failed('api-oom.service', 'signal')],
  },
  {
    file: 'node-segv-boots.txt',
    kinds: ['main-exited', 'unit-failed', 'main-exited', 'unit-failed'],
    has: [
      exited('api-segv.service', 'killed', 11, 'SEGV'),
      exited('api-segv.service', 'dumped', 11, 'SEGV'),
      failed('api-segv.service', 'core-dump'),
    ],
  },
  {
    file: 'node-logged-errors.txt',
    kinds: ['exception x4', 'main-exited', 'unit-failed'],
    has: [
      {
        kind: 'exception',
        language: 'node',
        error: 'Error: connect ECONNREFUSED 127.0.0.1:5432',
        origin: 'at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1549:16) {',
      },
      {
        kind: 'exception',
        language: 'node',
        error: expect.stringMatching(/^\[UnhandledPromiseRejection: .*"queue drained twice"\.\] \{$/),
        origin: null,
      },
    ],
  },
  {
    file: 'python-chained.txt',
    kinds: ['exception', 'main-exited', 'unit-failed'],
    has: [
      {
        ...py('RuntimeError: DATABASE_URL is not set', 'File "/srv/app/settings.py", line 8, in load'),
        pid: 217,
      },
    ],
  },
  {
    file: 'python-in-use.txt',
    kinds: ['address-in-use', 'main-exited', 'unit-failed'],
    has: [{ kind: 'address-in-use', program: 'python3', pid: 187, address: null }],
  },
  {
    file: 'sh-killed.txt',
    kinds: ['killed', 'main-exited', 'unit-failed'],
    has: [
      { kind: 'killed', program: 'sh', pid: 523, killedPid: null, command: null },
      exited('resizer-sh.service', 'exited', 137, 'n/a'),
    ],
  },
  {
    file: 'bash-killed.txt',
    kinds: ['killed', 'deactivated'],
    has: [
      {
        kind: 'killed',
        program: 'bash',
        pid: 169,
        killedPid: 170,
        command: '/usr/bin/node /srv/api/leak.js',
      },
    ],
  },
  {
    file: 'start-timeout.txt',
    kinds: ['unit-timeout', 'unit-failed', 'start-failed'],
    has: [
      { kind: 'unit-timeout', unit: 'api-slowstart.service', state: 'start' },
      failed('api-slowstart.service', 'timeout'),
      { kind: 'start-failed', unit: 'api-slowstart.service', description: 'Search indexer' },
    ],
  },
  {
    file: 'start-limit-boots.txt',
    kinds: [1, 2, 3].flatMap(() => [...restartRun, ...restartRun, ...restartRun, ...limitHit]),
    has: [
      failed('worker.service', 'start-limit-hit'),
      { kind: 'restart-scheduled', unit: 'worker.service', counter: 3 },
    ],
  },
  { file: 'no-entries.txt', kinds: [], has: [] },
];

describe('a unit journal: typed events', () => {
  it.each(cases)('$file', ({ file, kinds, has }) => {
    const events = parse(file);
    expect(runs(events)).toEqual(kinds);
    for (const e of has) expect(events).toContainEqual(expect.objectContaining(e));
    const text = fx(file).split('\n');
    for (const e of events) {
      expect(text).toContain(e.line);
      expect(e.time).toBe(e.line.slice(0, 24));
      for (const c of e.context) expect(text).toContain(c);
    }
  });
});

describe('a unit journal: lines and blocks', () => {
  it('reads the short-iso framing, leading spaces of the message kept', () => {
    const lines = fx('gunicorn20.txt').split('\n');
    expect(parseJournalLine(lines[11] ?? '')).toEqual({
      raw: lines[11],
      time: '2026-12-02T16:03:36+0000',
      host: 'web1',
      program: 'gunicorn',
      pid: 627,
      message: '  File "/usr/lib/python3/dist-packages/gunicorn/workers/sync.py", line 136, in handle',
    });
    expect(parseJournalLine('-- No entries --')).toBeUndefined();
    expect(parseJournalLine('-- Boot bfbef14a94744b9e941dede6bbddf7b0 --')).toBeUndefined();
  });

  it('makes one event of a traceback, chained ones included, with its first lines and origin', () => {
    const text = fx('python-chained.txt');
    const lines = text.split('\n');
    const [e] = parseBackendLog(text);
    expect(lines.filter((l) => l.includes('python3[217]'))).toHaveLength(13);
    expect(e).toEqual({
      kind: 'exception',
      language: 'python',
      line: lines[13],
      time: '2026-12-02T16:11:19+0000',
      program: 'python3',
      pid: 217,
      error: 'RuntimeError: DATABASE_URL is not set',
      origin: 'File "/srv/app/settings.py", line 8, in load',
      request: null,
      context: [lines[1], lines[2], lines[3], lines[11]],
    });
  });

  it('keeps a traceback whole when another process logs in between', () => {
    const lines = fx('gunicorn20.txt').split('\n');
    const tb = lines.slice(10, 20);
    const master = lines[20] ?? '';
    expect(tb[0]).toContain('Traceback (most recent call last):');
    const mixed = [...tb.slice(0, 4), master, ...tb.slice(4)].join('\n');
    // In line order: the master's line, then the traceback's event at its final line.
    expect(runs(parseBackendLog(mixed))).toEqual(['worker-signal', 'exception']);
    expect(parseBackendLog(mixed)[1]).toMatchObject({ pid: 627, line: tb[9], error: "KeyError: 'total'" });
  });

  it('reads a harakiri from the worker status block alone (no ON WORKER line before it)', () => {
    const lines = fx('uwsgi-harakiri.txt').split('\n');
    expect(lines[38]).toContain('HARAKIRI ON WORKER 1 (pid: 766, try: 1)');
    expect(parseBackendLog(lines.slice(39, 42).join('\n'))).toMatchObject([
      { kind: 'worker-timeout', line: lines[39], pid: 764, worker: 1, workerPid: null, request: 'GET /slow' },
    ]);
  });

  it('yields nothing for start-up banners, INFO lines and requests', () => {
    const quiet = [
      ...fx('gunicorn20.txt')
        .split('\n')
        .filter((l) => l.includes('[INFO]')),
      ...fx('uwsgi-no-app.txt').split('\n').slice(0, 30),
      ...fx('uwsgi-harakiri.txt')
        .split('\n')
        .filter((l) => l.includes('[pid: ')),
      fx('start-limit-boots.txt').split('\n')[0],
    ];
    expect(quiet.length).toBeGreaterThan(45);
    expect(parseBackendLog(quiet.join('\n'))).toEqual([]);
  });

  it('reads the boot marker as a boundary, not an event', () => {
    const text = fx('node-segv-boots.txt');
    expect(text).toContain('-- Boot bfbef14a94744b9e941dede6bbddf7b0 --');
    expect(parseBackendLog(text).map((e) => e.time)).toEqual([
      '2026-12-02T16:02:49+0000',
      '2026-12-02T16:02:49+0000',
      '2026-12-02T16:09:29+0000',
      '2026-12-02T16:09:29+0000',
    ]);
  });

  // On cgroup v2 systemd 252 also logs an OOM kill in the unit's cgroup and fails the unit with
  // 'oom-kill'. The dev machine's cgroup v1 never shows systemd one, so these two lines are written in
  // the exact format of systemd's src/core/unit.c (unit_check_oom) and service.c (the result string)
  // behind a real prefix from node-memory-limit.txt, as is systemd's CPU accounting line (ignored).
  it('reads the OOM killer and the oom-kill result', () => {
    const prefix = '2026-12-02T16:02:49+0000 web1 systemd[1]: api-oom.service: ';
    const text = [
      `${prefix}A process of this unit has been killed by the OOM killer.`,
      fx('node-memory-limit.txt').split('\n')[1],
      `${prefix}Failed with result 'oom-kill'.`,
      `${prefix}Consumed 1.204s CPU time.`,
    ].join('\n');
    expect(parseBackendLog(text)).toMatchObject([
      { kind: 'oom-killer', unit: 'api-oom.service' },
      exited('api-oom.service', 'killed', 9, 'KILL'),
      failed('api-oom.service', 'oom-kill'),
    ]);
  });
});
