import { describe, expect, it } from 'vitest';
import {
  kernelLine,
  oomKills,
  oomKillsParams,
  parseOomKills,
  withinWindow,
} from '../../../src/core/checks/oomKills.js';
import { toShell } from '../../../src/core/command.js';
import type { ExecResult } from '../../../src/core/ports.js';
import { checkContext, dataOf, execResult, findingsOf, fixture, runCheck } from '../../support/checkKit.js';

// Real captures from the dev machine: two memory-cgroup OOM kills (node, python3) provoked in a
// 64 MB cgroup-v1 memory cgroup, read through journalctl (journald run in a private mount
// namespace), `dmesg -T` and plain `dmesg`; journalctl's output when the journal has no kernel
// lines; and `dmesg` as an unprivileged user with kernel.dmesg_restrict=1.
// A global (non-cgroup) OOM cannot be provoked safely here: GLOBAL_OOM and OLD_KERNEL below are
// written in the exact format of the kernel's mm/oom_kill.c (dump_oom_summary, __oom_kill_process;
// OLD_KERNEL: the pre-4.19 "Kill process … or sacrifice child" + "Killed process" pair).
const fx = (name: string) => fixture('oom-kills', name);
const GLOBAL_OOM = [
  '2026-11-22T03:10:11+0000 web1 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/php8.2-fpm.service,task=php-fpm8.2,pid=1234,uid=33',
  '2026-11-22T03:10:11+0000 web1 kernel: Out of memory: Killed process 1234 (php-fpm8.2) total-vm:512000kB, anon-rss:400000kB, file-rss:0kB, shmem-rss:0kB, UID:33 pgtables:900kB oom_score_adj:0',
].join('\n');
const OLD_KERNEL = [
  '[ 9123.456789] Memory cgroup out of memory: Kill process 4321 (node) score 1000 or sacrifice child',
  '[ 9123.457001] Killed process 4321 (node) total-vm:1203456kB, anon-rss:262144kB, file-rss:20480kB, shmem-rss:0kB',
].join('\n');

const ctx = checkContext();
/** The `clock` step's output: epoch seconds and seconds since boot. */
const clockAt = (uptime: number) => execResult(`1795317834 ${uptime}\n`);
const noEntries = execResult(fx('no-journal-entries.txt'));
/** Outputs of the three steps: the journal, else dmesg windowed by the clock. */
const steps = ({
  journal = noEntries,
  dmesg = execResult(''),
  clock = clockAt(500),
}: {
  journal?: ExecResult;
  dmesg?: ExecResult;
  clock?: ExecResult;
}) => ({ journal, dmesg, clock });
/** Journal output with kernel lines: dmesg and the clock are not read. */
const run = (journal: ExecResult, params: unknown = {}) =>
  runCheck(oomKills, steps({ journal, dmesg: execResult('', { code: 1, stderr: 'unused\n' }) }), params);
/** No kernel lines in the journal: the ring buffer, with the host at `uptime` seconds since boot. */
const runDmesg = (dmesg: ExecResult, params: unknown = {}, uptime = 500) =>
  runCheck(oomKills, steps({ dmesg, clock: clockAt(uptime) }), params);

const nodeSummary =
  'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/medic-fx-oom,task_memcg=/medic-fx-oom,task=node,pid=543,uid=0';
const nodeKilled =
  'Memory cgroup out of memory: Killed process 543 (node) total-vm:984976kB, anon-rss:64768kB, file-rss:33544kB, shmem-rss:0kB, UID:0 pgtables:580kB oom_score_adj:0';

describe('kernelLine', () => {
  it('splits journal, dmesg -T and raw dmesg lines', () => {
    expect(kernelLine(`2026-11-22T02:43:01+0000 vm kernel: ${nodeKilled}`)).toEqual({
      time: '2026-11-22T02:43:01+0000',
      msg: nodeKilled,
      source: 'journal',
    });
    expect(kernelLine(`[Sun Nov 22 02:42:49 2026] ${nodeKilled}`)).toEqual({
      time: 'Sun Nov 22 02:42:49 2026',
      msg: nodeKilled,
      source: 'dmesg',
    });
    expect(kernelLine(`[  450.267961] ${nodeKilled}`)).toEqual({ msg: nodeKilled, source: 'dmesg' });
    expect(kernelLine('hello')).toBeUndefined();
  });
});

describe('parseOomKills', () => {
  it('merges the oom-kill summary and the Killed process line by pid', () => {
    expect(parseOomKills(fx('journal-memcg.txt'))).toEqual([
      {
        pid: 543,
        process: 'node',
        cgroup: true,
        time: '2026-11-22T02:43:01+0000',
        taskMemcg: '/medic-fx-oom',
        lines: [
          `2026-11-22T02:43:01+0000 vm kernel: ${nodeSummary}`,
          `2026-11-22T02:43:01+0000 vm kernel: ${nodeKilled}`,
        ],
      },
      expect.objectContaining({ pid: 551, process: 'python3', cgroup: true, taskMemcg: '/medic-fx-oom' }),
    ]);
  });

  it('reads dmesg -T and raw dmesg the same way', () => {
    expect(parseOomKills(fx('dmesg-T.txt')).map((k) => [k.pid, k.process, k.cgroup, k.time])).toEqual([
      [543, 'node', true, 'Sun Nov 22 02:42:49 2026'],
      [551, 'python3', true, 'Sun Nov 22 02:42:50 2026'],
    ]);
    const raw = parseOomKills(fx('dmesg.txt'));
    expect(raw.map((k) => [k.pid, k.process, k.cgroup, k.time])).toEqual([
      [543, 'node', true, undefined],
      [551, 'python3', true, undefined],
    ]);
    expect(raw[0]?.lines).toEqual([`[  450.267923] ${nodeSummary}`, `[  450.267961] ${nodeKilled}`]);
  });

  it('tells a global OOM from a cgroup one, also in the pre-4.19 format', () => {
    expect(parseOomKills(GLOBAL_OOM)).toEqual([
      {
        pid: 1234,
        process: 'php-fpm8.2',
        cgroup: false,
        time: '2026-11-22T03:10:11+0000',
        taskMemcg: '/system.slice/php8.2-fpm.service',
        lines: GLOBAL_OOM.split('\n'),
      },
    ]);
    expect(parseOomKills(OLD_KERNEL)).toEqual([
      { pid: 4321, process: 'node', cgroup: true, lines: [OLD_KERNEL.split('\n')[1]] },
    ]);
  });
});

describe('oomKills check', () => {
  it('reads the journal and dmesg with privileged argv commands, the clock unprivileged', () => {
    expect(oomKills.steps(oomKillsParams.parse({}), ctx)).toEqual([
      {
        id: 'journal',
        command: { argv: ['journalctl', '-k', '--no-pager', '-o', 'short-iso', '--since', '-60min'] },
        privileged: true,
      },
      { id: 'dmesg', command: { argv: ['dmesg'] }, privileged: true },
      { id: 'clock', command: { script: `echo "$(date +%s) $(cut -d' ' -f1 /proc/uptime)"` } },
      { id: 'init-cgroup', command: { argv: ['cat', '/proc/1/cgroup'] } },
    ]);
    expect(
      toShell(oomKills.steps(oomKillsParams.parse({ minutes: 15 }), ctx)[0]?.command ?? { argv: [] }),
    ).toBe('journalctl -k --no-pager -o short-iso --since -15min');
    expect(oomKillsParams.safeParse({ minutes: "a'b; rm -rf /" }).success).toBe(false);
    expect(oomKillsParams.safeParse({ minutes: 1.5 }).success).toBe(false);
    expect(oomKillsParams.safeParse({ minutes: 0 }).success).toBe(false);
  });

  it('reports one critical oom-kill finding per killed process', () => {
    const f = run(execResult(fx('journal-memcg.txt')));
    expect(f).toHaveLength(2);
    expect(f[0]).toEqual({
      check: 'oom-kills',
      host: 'web1',
      kind: 'oom-kill',
      severity: 'critical',
      summary: 'kernel killed node (pid 543) at 2026-11-22T02:43:01+0000: memory cgroup /medic-fx-oom full',
      evidence: [
        `2026-11-22T02:43:01+0000 vm kernel: ${nodeSummary}`,
        `2026-11-22T02:43:01+0000 vm kernel: ${nodeKilled}`,
      ],
      data: {
        pid: 543,
        process: 'node',
        cgroup: true,
        time: '2026-11-22T02:43:01+0000',
        taskMemcg: '/medic-fx-oom',
      },
    });
    expect(f[1]?.data).toMatchObject({ pid: 551, process: 'python3', cgroup: true });
  });

  it('reports a global OOM kill', () => {
    expect(run(execResult(GLOBAL_OOM))[0]).toMatchObject({
      kind: 'oom-kill',
      severity: 'critical',
      summary: 'kernel killed php-fpm8.2 (pid 1234) at 2026-11-22T03:10:11+0000: system out of memory',
      data: { pid: 1234, process: 'php-fpm8.2', cgroup: false },
    });
  });

  it('reports raw dmesg kills without a time', () => {
    const f = runDmesg(execResult(fx('dmesg.txt')));
    expect(f.map((x) => x.summary)).toEqual([
      'kernel killed node (pid 543): memory cgroup /medic-fx-oom full',
      'kernel killed python3 (pid 551): memory cgroup /medic-fx-oom full',
    ]);
    expect(f[0]?.data).not.toHaveProperty('time');
  });

  it('caps a storm of kills at the 20 most recent and counts the rest', () => {
    const lines = Array.from(
      { length: 25 },
      (_, i) =>
        `[ ${100 + i}.000000] Out of memory: Killed process ${2000 + i} (php-fpm8.2) total-vm:512000kB, anon-rss:400000kB, file-rss:0kB, shmem-rss:0kB, UID:33 pgtables:900kB oom_score_adj:0`,
    );
    const f = runDmesg(execResult(lines.join('\n')), {}, 200);
    expect(f).toHaveLength(21);
    expect(dataOf(f[0]).pid).toBe(2005);
    expect(f[20]).toMatchObject({
      kind: 'oom-kills-more',
      severity: 'info',
      summary: '5 earlier OOM kills not listed',
      data: { total: 25, shown: 20 },
    });
  });

  it('says none when the kernel log has no OOM kills', () => {
    const quiet = fx('journal-memcg.txt')
      .split('\n')
      .filter((l) => !/oom|Killed process/i.test(l))
      .join('\n');
    expect(run(execResult(quiet), { minutes: 30 })).toEqual([
      {
        check: 'oom-kills',
        host: 'web1',
        kind: 'oom-none',
        severity: 'ok',
        summary: 'no OOM kills in the kernel log in the last 30 min',
        evidence: [],
        data: { minutes: 30, source: 'journal' },
      },
    ]);
    const boot = fx('dmesg-T.txt')
      .split('\n')
      .filter((l) => !/oom|Killed process/i.test(l))
      .join('\n');
    expect(runDmesg(execResult(boot))[0]).toMatchObject({
      kind: 'oom-none',
      summary: 'no OOM kills in the kernel log since boot',
      data: { minutes: 60, source: 'dmesg' },
    });
  });

  it('says unknown when the kernel log is not readable', () => {
    expect(runDmesg(execResult('', { code: 1, stderr: fx('dmesg-denied.stderr.txt') }))).toEqual([
      {
        check: 'oom-kills',
        host: 'web1',
        kind: 'oom-unknown',
        severity: 'info',
        summary: 'kernel log not readable (no permission): OOM kills unknown',
        evidence: ['dmesg: read kernel buffer failed: Operation not permitted'],
        data: { minutes: 60 },
      },
    ]);
    // sudo refused both privileged steps.
    const noSudo = execResult('', { code: 1, stderr: fx('sudo-password.stderr.txt') });
    expect(runCheck(oomKills, steps({ journal: noSudo, dmesg: noSudo }))[0]).toMatchObject({
      kind: 'oom-unknown',
      evidence: ['sudo: a password is required'],
    });
  });

  it('reports missing tools as info', () => {
    const journal = execResult('', { code: 127, stderr: 'sudo: journalctl: command not found\n' });
    const dmesg = execResult('', { code: 127, stderr: fx('tools-missing.stderr.txt') });
    expect(runCheck(oomKills, steps({ journal, dmesg }))).toEqual([
      {
        check: 'oom-kills',
        host: 'web1',
        kind: 'tool-missing',
        severity: 'info',
        summary: 'neither journalctl nor dmesg is installed, cannot check OOM kills',
        evidence: ['/bin/sh: 1: dmesg: not found'],
        data: { tool: 'dmesg' },
      },
    ]);
    expect(runCheck(oomKills, steps({ dmesg }))).toMatchObject([
      {
        kind: 'tool-missing',
        severity: 'info',
        summary: 'dmesg is not installed and the journal has no kernel lines, cannot check OOM kills',
      },
    ]);
    // A journal with kernel lines needs no dmesg.
    expect(runCheck(oomKills, steps({ journal: execResult(GLOBAL_OOM), dmesg }))[0]?.kind).toBe('oom-kill');
  });

  it('reports garbage output as unparseable', () => {
    expect(runDmesg(execResult('<html><body>hi</body></html>\n'))).toEqual([
      {
        check: 'oom-kills',
        host: 'web1',
        kind: 'unparseable',
        severity: 'warn',
        summary: 'could not make sense of journalctl/dmesg output, cannot check OOM kills',
        evidence: ['<html><body>hi</body></html>'],
        data: { tool: 'journalctl/dmesg' },
      },
    ]);
  });
});

describe('oom-kills on the ring buffer (no journal)', () => {
  // The clock step prints epoch seconds and /proc/uptime: 2915.27 s since boot.
  const clock = '1795317834 2915.27\n';
  const ring = [
    '[  120.000001] Memory cgroup out of memory: Killed process 111 (old) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0',
    '[ 2854.397422] Memory cgroup out of memory: Killed process 24061 (dd) total-vm:67804kB, anon-rss:7680kB, file-rss:1448kB, shmem-rss:0kB, UID:0 pgtables:56kB oom_score_adj:0',
  ].join('\n');
  it('keeps only kills inside the window, by seconds since boot', () => {
    expect(withinWindow(ring, clock, 60)).toBe(ring);
    expect(withinWindow(ring, clock, 5)).toBe(ring.split('\n')[1]);
    const f = runCheck(oomKills, steps({ dmesg: execResult(ring), clock: execResult(clock) }), {
      minutes: 5,
    });
    expect(f.filter((x) => x.kind === 'oom-kill').map((x) => x.data.process)).toEqual(['dd']);
    // All kills too old: none.
    const old = runCheck(oomKills, steps({ dmesg: execResult(ring), clock: clockAt(9000) }), { minutes: 5 });
    expect(old.map((x) => x.kind)).toEqual(['oom-none']);
  });
  it('prefers a journal with kernel lines over the ring buffer', () => {
    const f = runCheck(oomKills, steps({ journal: execResult(GLOBAL_OOM), dmesg: execResult(ring) }));
    expect(f.map((x) => dataOf(x).process)).toEqual(['php-fpm8.2']);
  });
  it('leaves lines without [seconds] untouched, and everything without a readable clock', () => {
    expect(withinWindow('a\nb', clock, 1)).toBe('a\nb');
    expect(withinWindow(ring, '', 1)).toBe(ring);
    expect(withinWindow(ring, '1795317834 \n', 1)).toBe(ring);
  });
});

describe('a host that is itself a container', () => {
  // dmesg-nested: this machine's kernel, whose fleet containers OOM-killed bad@hog.service; the
  // kernel log is the whole machine's. init-cgroup-fleet: PID 1's cgroup of another fleet host.
  const nested = fixture('oom-kills', 'dmesg-nested.txt');
  const id = /task_memcg=\/docker\/([0-9a-f]{64})\//.exec(nested)?.[1] ?? '';
  const withRoot = (init: string) =>
    runCheck(oomKills, {
      ...steps({ dmesg: execResult(nested), clock: clockAt(9200) }),
      'init-cgroup': execResult(init),
    });

  it("ignores the kills in other containers of the same kernel: they are not this host's", () => {
    const f = withRoot(fixture('oom-kills', 'init-cgroup-fleet.txt'));
    expect(f.map((x) => [x.kind, x.severity])).toEqual([
      ['oom-none', 'ok'],
      ['oom-kill', 'info'],
      ['oom-kill', 'info'],
    ]);
    expect(f[0]?.summary).toMatch(/2 in other containers of this kernel, not this host's/);
    // kept, marked foreign: a container this host runs through a mounted engine may be one
    expect(findingsOf(f, 'oom-kill').map((k) => [k.data.foreign, k.data.unit])).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
  });

  it('keeps its own, and names the unit whose cgroup was full', () => {
    // The fleet host's own PID 1 line, with the id of the container that logged these kills.
    const init = fixture('oom-kills', 'init-cgroup-fleet.txt').replace(/[0-9a-f]{64}/g, id);
    const kills = findingsOf(withRoot(init), 'oom-kill');
    expect(kills.map((k) => [k.data.process, k.data.unit])).toEqual([
      ['node', 'bad@hog.service'],
      ['node', 'bad@hog.service'],
    ]);
  });
});
