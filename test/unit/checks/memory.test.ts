import { describe, expect, it } from 'vitest';
import { memory, memoryParams, parseMeminfo } from '../../../src/core/checks/memory.js';
import type { ExecResult } from '../../../src/core/ports.js';
import { checkContext, execResult, fixture, runCheck } from '../../support/checkKit.js';

// /proc/meminfo captured on the dev machine (24 GB, no swap). Low-memory cases are provoked with
// thresholds rather than by starving the machine.
const fx = (name: string) => fixture('memory', name);
const meminfo = fx('meminfo.txt');

const ctx = checkContext();
const run = (out: ExecResult, params: unknown = {}) => runCheck(memory, { meminfo: out }, params);

const expected = {
  memTotalBytes: 24683656 * 1024,
  memAvailableBytes: 24110792 * 1024,
  availablePercent: 97.7,
  swapTotalBytes: 0,
  swapFreeBytes: 0,
};
const evidence = [
  'MemTotal:       24683656 kB',
  'MemAvailable:   24110792 kB',
  'SwapTotal:             0 kB',
  'SwapFree:              0 kB',
];

describe('parseMeminfo', () => {
  it('reads MemTotal, MemAvailable and swap in bytes', () => {
    expect(parseMeminfo(meminfo)).toEqual({ info: expected, lines: evidence });
  });

  it('estimates MemAvailable from MemFree+Buffers+Cached on kernels without it (< 3.14)', () => {
    // The real capture with the MemAvailable line removed, as such kernels print it.
    const old = meminfo
      .split('\n')
      .filter((l) => !l.startsWith('MemAvailable:'))
      .join('\n');
    const free = 23738948 + 10212 + 511224;
    expect(meminfo).toContain('Buffers:           10212 kB');
    expect(meminfo).toContain('Cached:           511224 kB');
    expect(parseMeminfo(old)?.info.memAvailableBytes).toBe(free * 1024);
  });

  it('gives up without MemTotal', () => {
    expect(parseMeminfo('hello\nworld')).toBeUndefined();
  });
});

describe('memory check', () => {
  it('reads /proc/meminfo unprivileged and rejects hostile params', () => {
    expect(memory.steps(memoryParams.parse({}), ctx)).toEqual([
      { id: 'meminfo', command: { argv: ['cat', '/proc/meminfo'] } },
    ]);
    expect(memoryParams.parse({})).toEqual({ warnPercent: 10, criticalPercent: 5 });
    expect(memoryParams.safeParse({ warnPercent: "a'b; rm -rf /" }).success).toBe(false);
    expect(memoryParams.safeParse({ warnPercent: 120 }).success).toBe(false);
    expect(memoryParams.safeParse({ other: 1 }).success).toBe(false);
  });

  it('is ok when plenty of memory is available', () => {
    expect(run(execResult(meminfo))).toEqual([
      {
        check: 'memory',
        host: 'web1',
        kind: 'memory',
        severity: 'ok',
        summary: '97.7% of memory available (23546 MiB of 24105 MiB), no swap',
        evidence,
        data: expected,
      },
    ]);
  });

  it('warns and goes critical by available percentage', () => {
    expect(run(execResult(meminfo), { warnPercent: 98, criticalPercent: 5 })[0]?.severity).toBe('warn');
    expect(run(execResult(meminfo), { warnPercent: 99, criticalPercent: 98 })[0]?.severity).toBe('critical');
    expect(run(execResult(meminfo), { warnPercent: 97.7, criticalPercent: 5 })[0]?.severity).toBe('warn');
    expect(run(execResult(meminfo), { warnPercent: 97.6, criticalPercent: 5 })[0]?.severity).toBe('ok');
  });

  it('reports cat missing as info', () => {
    expect(run(execResult('', { code: 127, stderr: fx('cat-missing.stderr.txt') }))).toEqual([
      {
        check: 'memory',
        host: 'web1',
        kind: 'tool-missing',
        severity: 'info',
        summary: 'cat is not installed, cannot check memory',
        evidence: ['/bin/sh: 1: cat: not found'],
        data: { tool: 'cat' },
      },
    ]);
  });

  it('reports garbage output as unparseable', () => {
    expect(run(execResult('Segmentation fault\nwhat\n'))).toEqual([
      {
        check: 'memory',
        host: 'web1',
        kind: 'unparseable',
        severity: 'warn',
        summary: 'could not make sense of /proc/meminfo output, cannot check memory',
        evidence: ['Segmentation fault', 'what'],
        data: { tool: '/proc/meminfo' },
      },
    ]);
  });
});
