import { describe, expect, it } from 'vitest';
import { disk, diskParams, parseDf, realMounts } from '../../../src/core/checks/disk.js';
import type { ExecResult } from '../../../src/core/ports.js';
import { checkContext, dataOf, execResult, fixture, runCheck } from '../../support/checkKit.js';

// ok.*: df on the dev machine (docker overlay mounts included). full.*: df in a private mount
// namespace with tmpfs mounts filled to 100 % (medic-full), 92 % (medic-warn), 93 % (a mount
// point with a space), one tmpfs out of inodes (medic-inodes) and a loop-mounted squashfs image.
const fx = (name: string) => fixture('disk', name);
const run = (blocks: ExecResult, inodes: ExecResult, params: unknown = {}) =>
  runCheck(disk, { blocks, inodes }, params);

const blocksHeader = 'Filesystem                  1-blocks        Used   Available Capacity Mounted on';
const inodesHeader = 'Filesystem                Inodes  IUsed    IFree IUse% Mounted on';

describe('parseDf', () => {
  it('parses rows, mount points with spaces, and keeps the header', () => {
    const { header, rows } = parseDf(fx('full.df-PB1.txt'));
    expect(header).toBe(blocksHeader);
    expect(rows).toHaveLength(13);
    expect(rows[11]).toEqual({
      filesystem: 'medic-space',
      total: 4194304,
      used: 3891200,
      avail: 303104,
      usedPercent: 93,
      mount: '/tmp/medic-fx-disk/mnt/with space',
      line: 'medic-space                  4194304     3891200      303104      93% /tmp/medic-fx-disk/mnt/with space',
    });
  });

  it('skips pseudo filesystems, squashfs images and overlay mounts mirroring another filesystem', () => {
    expect(realMounts(parseDf(fx('full.df-PB1.txt')).rows).map((r) => r.mount)).toEqual([
      '/',
      '/mnt/sandboxing/model_tools_env/v1/python',
      '/tmp/medic-fx-disk/mnt/full',
      '/tmp/medic-fx-disk/mnt/warn',
      '/tmp/medic-fx-disk/mnt/inodes',
      '/tmp/medic-fx-disk/mnt/with space',
    ]);
    expect(realMounts(parseDf(fx('full.df-Pi.txt')).rows).map((r) => r.mount)).toContain(
      '/tmp/medic-fx-disk/mnt/inodes',
    );
    expect(realMounts(parseDf(fx('full.df-Pi.txt')).rows).map((r) => r.mount)).not.toContain(
      '/tmp/medic-fx-disk/mnt/snap',
    );
  });
});

describe('disk check', () => {
  it('runs df for blocks and inodes unprivileged and rejects hostile params', () => {
    expect(disk.steps(diskParams.parse({}), checkContext())).toEqual([
      { id: 'blocks', command: { argv: ['df', '-PB1'] } },
      { id: 'inodes', command: { argv: ['df', '-Pi'] } },
    ]);
    expect(diskParams.parse({})).toEqual({ warnPercent: 90, criticalPercent: 98 });
    expect(diskParams.safeParse({ warnPercent: "a'b; rm -rf /" }).success).toBe(false);
    expect(diskParams.safeParse({ mounts: ['/'] }).success).toBe(false);
  });

  it('says disks are fine with the fullest mount when nothing is above thresholds', () => {
    expect(run(execResult(fx('ok.df-PB1.txt')), execResult(fx('ok.df-Pi.txt')))).toEqual([
      {
        check: 'disk',
        host: 'web1',
        kind: 'disk-ok',
        severity: 'ok',
        summary: 'disks fine: fullest is / at 23%, inodes at most 3% (/)',
        evidence: [
          blocksHeader,
          '/dev/vda                270553174016 24637349888 84306944000      23% /',
          inodesHeader,
          '/dev/vda                16777216 424971 16352245    3% /',
        ],
        data: {
          mounts: 2,
          mount: '/',
          filesystem: '/dev/vda',
          usedPercent: 23,
          inodeMount: '/',
          inodeUsedPercent: 3,
        },
      },
    ]);
  });

  it('reports full disks and inodes per mount, 100 % critical', () => {
    const f = run(execResult(fx('full.df-PB1.txt')), execResult(fx('full.df-Pi.txt')));
    expect(f.map((x) => [x.kind, x.severity, x.summary])).toEqual([
      ['disk-usage', 'critical', '/tmp/medic-fx-disk/mnt/full is 100% full (nothing free)'],
      ['disk-usage', 'warn', '/tmp/medic-fx-disk/mnt/warn is 92% full (840 KiB free)'],
      ['disk-usage', 'warn', '/tmp/medic-fx-disk/mnt/with space is 93% full (296 KiB free)'],
      ['inode-usage', 'critical', '/tmp/medic-fx-disk/mnt/inodes has used 100% of its inodes'],
    ]);
    expect(f[0]).toMatchObject({
      check: 'disk',
      host: 'web1',
      evidence: [
        blocksHeader,
        'medic-full                   1048576     1048576           0     100% /tmp/medic-fx-disk/mnt/full',
      ],
      data: {
        mount: '/tmp/medic-fx-disk/mnt/full',
        filesystem: 'medic-full',
        usedPercent: 100,
        sizeBytes: 1048576,
        availBytes: 0,
      },
    });
    expect(f[3]).toMatchObject({
      evidence: [
        inodesHeader,
        'medic-inodes                  64     64        0  100% /tmp/medic-fx-disk/mnt/inodes',
      ],
      data: {
        mount: '/tmp/medic-fx-disk/mnt/inodes',
        filesystem: 'medic-inodes',
        usedPercent: 100,
        inodes: 64,
        inodesFree: 0,
      },
    });
  });

  it('keeps 100 % critical even with a critical threshold of 100, and honours lower thresholds', () => {
    const f = run(execResult(fx('full.df-PB1.txt')), execResult(fx('full.df-Pi.txt')), {
      warnPercent: 20,
      criticalPercent: 100,
    });
    expect(f.map((x) => [x.kind, x.severity, dataOf(x).mount])).toEqual([
      ['disk-usage', 'warn', '/'],
      ['disk-usage', 'critical', '/tmp/medic-fx-disk/mnt/full'],
      ['disk-usage', 'warn', '/tmp/medic-fx-disk/mnt/warn'],
      ['disk-usage', 'warn', '/tmp/medic-fx-disk/mnt/with space'],
      ['inode-usage', 'critical', '/tmp/medic-fx-disk/mnt/inodes'],
    ]);
  });

  it('reports df missing as info', () => {
    const stderr = fx('df-missing.stderr.txt');
    expect(run(execResult('', { code: 127, stderr }), execResult('', { code: 127, stderr }))).toEqual([
      {
        check: 'disk',
        host: 'web1',
        kind: 'tool-missing',
        severity: 'info',
        summary: 'df is not installed, cannot check disk space',
        evidence: ['/bin/sh: 1: df: not found'],
        data: { tool: 'df' },
      },
    ]);
  });

  it('reports garbage output as unparseable', () => {
    expect(run(execResult('df: invalid option -- B\nBusyBox v1.36\n'), execResult(''))).toEqual([
      {
        check: 'disk',
        host: 'web1',
        kind: 'unparseable',
        severity: 'warn',
        summary: 'could not make sense of df output, cannot check disk space',
        evidence: ['df: invalid option -- B', 'BusyBox v1.36'],
        data: { tool: 'df' },
      },
    ]);
  });

  it('still checks blocks when the inode step fails', () => {
    const f = run(
      execResult(fx('ok.df-PB1.txt')),
      execResult('', { code: 1, stderr: 'df: cannot read table of mounted file systems\n' }),
    );
    expect(f.map((x) => [x.kind, x.severity])).toEqual([
      ['disk-ok', 'ok'],
      ['unparseable', 'warn'],
    ]);
    expect(f[0]?.summary).toBe('disks fine: fullest is / at 23%');
  });
});
