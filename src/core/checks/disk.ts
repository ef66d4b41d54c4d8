import { z } from 'zod';
import { argv } from '../command.js';
import type { Finding, Severity } from '../model/finding.js';
import { finder, type HostCheck, stepOutput } from './check.js';
import { stepFailure, unparseable } from './stepFailure.js';

export const diskParams = z
  .object({
    /** Warn when a mount's blocks or inodes are at or above this percentage used. */
    warnPercent: z.number().min(0).max(100).default(90),
    /** Critical at or above this percentage (100 % is always critical). */
    criticalPercent: z.number().min(0).max(100).default(98),
  })
  .strict();
export type DiskParams = z.infer<typeof diskParams>;

/** One row of `df -P` (`-B1`: bytes; `-i`: inodes). */
export interface DfRow {
  filesystem: string;
  total: number;
  used: number;
  avail: number;
  /** df's own Capacity / IUse% column. */
  usedPercent: number;
  mount: string;
  line: string;
}

/** Parse `df -P…` output; the header and lines that don't fit are skipped. */
export function parseDf(text: string): { header: string; rows: DfRow[] } {
  const rows: DfRow[] = [];
  let header = '';
  const re = /^(.+?)\s+(\d+|-)\s+(\d+|-)\s+(\d+|-)\s+(\d+%|-)\s+(\/.*)$/;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (!header && /^Filesystem\s/.test(line)) header = line;
    const m = re.exec(line);
    if (!m?.[1] || !m[6]) continue;
    const num = (s: string | undefined) => (s && s !== '-' ? Number(s) : 0);
    const [total, used, avail] = [num(m[2]), num(m[3]), num(m[4])];
    const usedPercent =
      m[5] && m[5] !== '-'
        ? Number.parseInt(m[5], 10)
        : used + avail > 0
          ? Math.ceil((used * 100) / (used + avail))
          : 0;
    rows.push({ filesystem: m[1], total, used, avail, usedPercent, mount: m[6], line });
  }
  return { header, rows };
}

const pseudoFs = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'udev',
  'devpts',
  'squashfs',
  'securityfs',
  'debugfs',
  'tracefs',
]);
const pseudoMount = /^\/(dev|proc|sys)(\/|$)/;

/** The rows that are real storage: no pseudo filesystems, read-only images, empty or duplicate mounts. */
export function realMounts(rows: DfRow[]): DfRow[] {
  const keep: DfRow[] = [];
  const seen = new Set<string>();
  // overlay mounts (container roots) report the numbers of the filesystem below: fold them into it.
  const ordered = [
    ...rows.filter((r) => r.filesystem !== 'overlay'),
    ...rows.filter((r) => r.filesystem === 'overlay'),
  ];
  for (const r of ordered) {
    if (pseudoFs.has(r.filesystem) || r.filesystem.startsWith('cgroup') || pseudoMount.test(r.mount))
      continue;
    if (r.total === 0) continue;
    // squashfs/erofs images (snaps) are always 100 % full by design.
    if (/^\/dev\/loop\d+$/.test(r.filesystem) && r.used === r.total && r.avail === 0) continue;
    const numbers = `${r.total}/${r.used}/${r.avail}`;
    if (seen.has(r.filesystem === 'overlay' ? numbers : `${r.filesystem} ${numbers}`)) continue;
    seen.add(numbers);
    seen.add(`${r.filesystem} ${numbers}`);
    keep.push(r);
  }
  return keep.sort((a, b) => rows.indexOf(a) - rows.indexOf(b));
}

const free = (bytes: number) =>
  bytes === 0
    ? 'nothing free'
    : bytes >= 1073741824
      ? `${(bytes / 1073741824).toFixed(1)} GiB free`
      : bytes >= 1048576
        ? `${Math.round(bytes / 1048576)} MiB free`
        : `${Math.round(bytes / 1024)} KiB free`;

const fullest = (rows: DfRow[]) =>
  rows.reduce<DfRow | undefined>((a, r) => (!a || r.usedPercent > a.usedPercent ? r : a), undefined);

export const disk: HostCheck<DiskParams> = {
  scope: 'host',
  id: 'disk',
  title: 'Disk space and inodes',
  params: diskParams,
  steps: () => [
    { id: 'blocks', command: argv('df', '-PB1') },
    { id: 'inodes', command: argv('df', '-Pi') },
  ],
  parse(outputs, p, ctx): Finding[] {
    const f = finder('disk', ctx.host);
    const severity = (pct: number): Severity | undefined =>
      pct >= 100 || pct >= p.criticalPercent ? 'critical' : pct >= p.warnPercent ? 'warn' : undefined;

    const blocksOut = stepOutput(outputs, 'blocks');
    const failed = stepFailure(f, blocksOut, 'df', 'disk space');
    if (failed) return [failed];
    const blocks = parseDf(blocksOut.stdout);
    if (blocks.rows.length === 0) return [unparseable(f, 'df', 'disk space', blocksOut.stdout)];

    const findings: Finding[] = [];
    const disks = realMounts(blocks.rows);
    for (const r of disks) {
      const sev = severity(r.usedPercent);
      if (!sev) continue;
      findings.push(
        f(
          'disk-usage',
          sev,
          `${r.mount} is ${r.usedPercent}% full (${free(r.avail)})`,
          [blocks.header, r.line].filter(Boolean),
          {
            mount: r.mount,
            filesystem: r.filesystem,
            usedPercent: r.usedPercent,
            sizeBytes: r.total,
            availBytes: r.avail,
          },
        ),
      );
    }

    const inodesOut = stepOutput(outputs, 'inodes');
    let inodeRows: DfRow[] = [];
    let inodeHeader = '';
    const inodesFailed = stepFailure(f, inodesOut, 'df', 'inodes');
    if (inodesFailed) findings.push(inodesFailed);
    else {
      const parsed = parseDf(inodesOut.stdout);
      if (parsed.rows.length === 0) findings.push(unparseable(f, 'df', 'inodes', inodesOut.stdout));
      inodeHeader = parsed.header;
      inodeRows = realMounts(parsed.rows);
      for (const r of inodeRows) {
        const sev = severity(r.usedPercent);
        if (!sev) continue;
        findings.push(
          f(
            'inode-usage',
            sev,
            `${r.mount} has used ${r.usedPercent}% of its inodes`,
            [inodeHeader, r.line].filter(Boolean),
            {
              mount: r.mount,
              filesystem: r.filesystem,
              usedPercent: r.usedPercent,
              inodes: r.total,
              inodesFree: r.avail,
            },
          ),
        );
      }
    }

    if (findings.some((x) => x.kind === 'disk-usage' || x.kind === 'inode-usage')) return findings;
    const top = fullest(disks);
    const topInodes = fullest(inodeRows);
    const summary = top
      ? `disks fine: fullest is ${top.mount} at ${top.usedPercent}%${topInodes ? `, inodes at most ${topInodes.usedPercent}% (${topInodes.mount})` : ''}`
      : 'no real filesystems mounted';
    const evidence = [
      ...(top ? [blocks.header, top.line] : []),
      ...(topInodes ? [inodeHeader, topInodes.line] : []),
    ].filter(Boolean);
    findings.unshift(
      f('disk-ok', 'ok', summary, evidence, {
        mounts: disks.length,
        ...(top ? { mount: top.mount, filesystem: top.filesystem, usedPercent: top.usedPercent } : {}),
        ...(topInodes ? { inodeMount: topInodes.mount, inodeUsedPercent: topInodes.usedPercent } : {}),
      }),
    );
    return findings;
  },
};
