import { z } from 'zod';
import { argv, script } from '../command.js';
import type { Finding } from '../model/finding.js';
import { finder, type HostCheck, stepOutput } from './check.js';
import { hostCgroupRoot, ownerOfCgroup, parseCgroups } from './parseProcesses.js';
import { firstLines, toolMissing, unparseable } from './stepFailure.js';

export const oomKillsParams = z
  .object({
    /** How far back to read the kernel log (the journal's --since; the dmesg fallback by seconds since boot). */
    minutes: z.number().int().min(1).max(10080).default(60),
  })
  .strict();
export type OomKillsParams = z.infer<typeof oomKillsParams>;

export interface OomKill {
  pid: number;
  process: string;
  /** Killed because a memory cgroup (a systemd unit's MemoryMax, a container limit) was full. */
  cgroup: boolean;
  /** Timestamp as the log shows it (journal ISO time or `dmesg -T` time); absent for raw dmesg. */
  time?: string;
  /** `task_memcg=` of the oom-kill summary line, e.g. `/system.slice/php8.2-fpm.service`. */
  taskMemcg?: string;
  /** Verbatim log lines. */
  lines: string[];
}

const journalLine =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+\S+\s+kernel:\s?(.*)$/;
const dmesgTLine = /^\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})\]\s?(.*)$/;
const dmesgRawLine = /^\[\s*\d+\.\d+\]\s?(.*)$/;
const journalMarker = /^-- (No entries|Logs begin|Journal begins|Boot)/;

/** Split a kernel log line into its timestamp and message; undefined when it is not one. */
export function kernelLine(
  line: string,
): { time?: string; msg: string; source: 'journal' | 'dmesg' } | undefined {
  let m = journalLine.exec(line);
  if (m?.[1] !== undefined) return { time: m[1], msg: m[2] ?? '', source: 'journal' };
  m = dmesgTLine.exec(line);
  if (m?.[1] !== undefined) return { time: m[1], msg: m[2] ?? '', source: 'dmesg' };
  m = dmesgRawLine.exec(line);
  if (m) return { msg: m[1] ?? '', source: 'dmesg' };
  return undefined;
}

/**
 * The ring buffer has no window: given the host's clock (`<epoch> <uptime>`, the `clock` step's
 * output), keep only the `[seconds-since-boot]` lines of the last `minutes`. Other lines (e.g.
 * `dmesg -T` times) are kept; without a readable clock the text is returned as it is.
 */
export function withinWindow(text: string, clock: string, minutes: number): string {
  const m = /^\s*\d+ (\d+(?:\.\d+)?)\s*$/.exec(clock);
  if (!m) return text;
  const uptime = Number(m[1]);
  return text
    .split('\n')
    .filter((line) => {
      const ts = /^\[\s*([\d.]+)\]/.exec(line);
      return !ts || uptime - Number(ts[1]) <= minutes * 60;
    })
    .join('\n');
}

/** Parse OOM kills out of kernel log lines, one per killed process (summary and kill lines merged by pid). */
export function parseOomKills(text: string): OomKill[] {
  type Entry = OomKill & { summarized: boolean; killed: boolean };
  const all: Entry[] = [];
  const byPid = new Map<number, Entry>();
  const entry = (pid: number, kind: 'summarized' | 'killed', process: string): Entry => {
    let e = byPid.get(pid);
    if (!e || e[kind]) {
      e = { pid, process, cgroup: false, lines: [], summarized: false, killed: false };
      byPid.set(pid, e);
      all.push(e);
    }
    return e;
  };
  // Kernels before 4.19 announce a memcg kill as "Memory cgroup out of memory: Kill process N (x) score …".
  const memcgPids = new Set<number>();
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const k = kernelLine(line);
    const msg = k?.msg ?? line;
    const announced = /^Memory cgroup out of memory: Kill process (\d+) /.exec(msg);
    if (announced?.[1]) memcgPids.add(Number(announced[1]));
    const summary = /oom-kill:constraint=(\w+),.*,task=(.*),pid=(\d+),uid=\d+$/.exec(msg);
    if (summary?.[2] !== undefined && summary[3]) {
      const e = entry(Number(summary[3]), 'summarized', summary[2]);
      e.summarized = true;
      if (summary[1] === 'CONSTRAINT_MEMCG') e.cgroup = true;
      const memcg = /,task_memcg=([^,]*),/.exec(msg)?.[1];
      if (memcg) e.taskMemcg = memcg;
      if (k?.time && !e.time) e.time = k.time;
      e.lines.push(line);
      continue;
    }
    const killed =
      /Killed process (\d+) \((.*)\)(?=\s+total-vm)/.exec(msg) ??
      /Killed process (\d+) \(([^)]*)\)/.exec(msg);
    if (killed?.[1] && killed[2] !== undefined) {
      const e = entry(Number(killed[1]), 'killed', killed[2]);
      e.killed = true;
      e.process = killed[2];
      if (/^Memory cgroup out of memory/.test(msg) || memcgPids.has(e.pid)) e.cgroup = true;
      if (k?.time) e.time = k.time;
      e.lines.push(line);
    }
  }
  return all.map(({ summarized: _s, killed: _k, ...kill }) => kill);
}

/** The host's own cgroup root from `cat /proc/1/cgroup` (empty on a host that is no container). */
export function initCgroupRoot(text: string): string {
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((l) => `/proc/1/cgroup:${l.trim()}`);
  return hostCgroupRoot(parseCgroups(lines.join('\n')));
}

/** The systemd unit a memory cgroup path names, relative to the host's root. */
function unitOf(memcg: string | undefined, root: string): string | undefined {
  if (!memcg) return undefined;
  const o = ownerOfCgroup(memcg, root);
  return o.kind === 'unit' ? o.unit : undefined;
}

/** At most this many oom-kill findings (the most recent); a storm of kills is summed up in one more. */
export const maxOomFindings = 20;

export const oomKills: HostCheck<OomKillsParams> = {
  scope: 'host',
  id: 'oom-kills',
  title: 'Kernel OOM kills',
  params: oomKillsParams,
  // Privileged steps are single argv commands, so that sudoers can allow exactly these. journalctl
  // exits 0 ("-- No entries --") where the journal holds no kernel lines (e.g. containers): parse
  // then falls back to the ring buffer, windowed by the host's clock.
  steps: (p) => [
    {
      id: 'journal',
      command: argv(
        'journalctl',
        '-k',
        '--no-pager',
        '-o',
        'short-iso',
        '--since',
        `-${Math.trunc(p.minutes)}min`,
      ),
      privileged: true,
    },
    { id: 'dmesg', command: argv('dmesg'), privileged: true },
    { id: 'clock', command: script(`echo "$(date +%s) $(cut -d' ' -f1 /proc/uptime)"`) },
    // The host's own cgroup: a host that is itself a container shares its kernel's log with others.
    { id: 'init-cgroup', command: argv('cat', '/proc/1/cgroup') },
  ],
  parse(outputs, p, ctx): Finding[] {
    const f = finder('oom-kills', ctx.host);
    const journal = stepOutput(outputs, 'journal');
    // The journal when it holds kernel lines, else the ring buffer of the last `minutes`.
    const fromJournal = journal.stdout.includes(' kernel: ');
    const out = fromJournal ? journal : stepOutput(outputs, 'dmesg');
    if (!fromJournal && toolMissing(out)) {
      const summary = toolMissing(journal)
        ? 'neither journalctl nor dmesg is installed, cannot check OOM kills'
        : 'dmesg is not installed and the journal has no kernel lines, cannot check OOM kills';
      return [f('tool-missing', 'info', summary, firstLines(out.stderr, 2), { tool: 'dmesg' })];
    }
    const text = fromJournal
      ? out.stdout
      : withinWindow(out.stdout, stepOutput(outputs, 'clock').stdout, p.minutes);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const logLines = lines.map(kernelLine);
    const root = initCgroupRoot(outputs['init-cgroup']?.stdout ?? '');
    const all = parseOomKills(text);
    // A host that is itself a container reads its kernel's log, other containers' kills included:
    // those are kept, marked foreign (a container it runs through a mounted engine may be one).
    const foreign = (k: OomKill) => Boolean(root && k.taskMemcg && !k.taskMemcg.startsWith(`${root}/`));
    const kills = all;
    const others = all.filter(foreign).length;
    const denied =
      /Operation not permitted|read kernel buffer failed|insufficient permissions|Permission denied/i;
    const readable = logLines.some((l) => l !== undefined) || lines.some((l) => journalMarker.test(l));

    if (kills.length === 0 && !readable) {
      if (denied.test(`${out.stdout}\n${out.stderr}`) || out.code !== 0 || out.timedOut) {
        return [
          f(
            'oom-unknown',
            'info',
            'kernel log not readable (no permission): OOM kills unknown',
            firstLines(`${out.stderr}\n${out.stdout}`, 3),
            { minutes: p.minutes },
          ),
        ];
      }
      if (lines.length > 0) return [unparseable(f, 'journalctl/dmesg', 'OOM kills', out.stdout)];
    }

    const source =
      logLines.some((l) => l?.source === 'journal') || lines.some((l) => journalMarker.test(l))
        ? 'journal'
        : 'dmesg';
    const none =
      kills.length === others
        ? [
            f(
              'oom-none',
              'ok',
              `no OOM kills in the kernel log ${source === 'journal' ? `in the last ${p.minutes} min` : 'since boot'}${others ? ` (${others} in other containers of this kernel, not this host's)` : ''}`,
              [],
              { minutes: p.minutes, source },
            ),
          ]
        : [];

    const findings: Finding[] = kills.slice(-maxOomFindings).map((k) => {
      const how = k.cgroup
        ? `memory cgroup${k.taskMemcg ? ` ${k.taskMemcg}` : ''} full`
        : 'system out of memory';
      const at = k.time ? ` at ${k.time}` : '';
      return f(
        'oom-kill',
        foreign(k) ? 'info' : 'critical',
        `kernel killed ${k.process} (pid ${k.pid})${at}: ${how}`,
        k.lines.slice(0, 5),
        {
          pid: k.pid,
          process: k.process,
          cgroup: k.cgroup,
          ...(k.time !== undefined ? { time: k.time } : {}),
          ...(k.taskMemcg !== undefined ? { taskMemcg: k.taskMemcg } : {}),
          ...(unitOf(k.taskMemcg, root) && !foreign(k) ? { unit: unitOf(k.taskMemcg, root) } : {}),
          ...(foreign(k) ? { foreign: true } : {}),
        },
      );
    });
    if (kills.length > maxOomFindings) {
      findings.push(
        f('oom-kills-more', 'info', `${kills.length - maxOomFindings} earlier OOM kills not listed`, [], {
          total: kills.length,
          shown: maxOomFindings,
        }),
      );
    }
    return [...none, ...findings];
  },
};
