import { z } from 'zod';
import { argv } from '../command.js';
import type { MemInfo } from '../model/facts/resources.js';
import type { Finding } from '../model/finding.js';
import { finder, type HostCheck, stepOutput } from './check.js';
import { stepFailure, unparseable } from './stepFailure.js';

export type { MemInfo };

export const memoryParams = z
  .object({
    /** Warn when MemAvailable is at or below this percentage of MemTotal. */
    warnPercent: z.number().min(0).max(100).default(10),
    /** Critical when MemAvailable is at or below this percentage of MemTotal. */
    criticalPercent: z.number().min(0).max(100).default(5),
  })
  .strict();
export type MemoryParams = z.infer<typeof memoryParams>;

/** Parse /proc/meminfo into bytes. Undefined when MemTotal is missing. */
export function parseMeminfo(text: string): { info: MemInfo; lines: string[] } | undefined {
  const values = new Map<string, number>();
  const lines = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    values.set(m[1], Number(m[2]) * (line.trimEnd().endsWith('kB') ? 1024 : 1));
    lines.set(m[1], line.trimEnd());
  }
  const total = values.get('MemTotal');
  if (!total) return undefined;
  // Kernels before 3.14 have no MemAvailable: estimate it the way `free` did.
  const available =
    values.get('MemAvailable') ??
    (values.get('MemFree') ?? 0) + (values.get('Buffers') ?? 0) + (values.get('Cached') ?? 0);
  const keys = ['MemTotal', 'MemAvailable', 'SwapTotal', 'SwapFree'];
  return {
    info: {
      memTotalBytes: total,
      memAvailableBytes: available,
      availablePercent: Math.round((available / total) * 1000) / 10,
      swapTotalBytes: values.get('SwapTotal') ?? 0,
      swapFreeBytes: values.get('SwapFree') ?? 0,
    },
    lines: keys.flatMap((k) => lines.get(k) ?? []),
  };
}

const mib = (bytes: number) => `${Math.round(bytes / 1048576)} MiB`;

export const memory: HostCheck<MemoryParams> = {
  scope: 'host',
  id: 'memory',
  title: 'Available memory',
  params: memoryParams,
  steps: () => [{ id: 'meminfo', command: argv('cat', '/proc/meminfo') }],
  parse(outputs, p, ctx): Finding[] {
    const f = finder('memory', ctx.host);
    const out = stepOutput(outputs, 'meminfo');
    const failed = stepFailure(f, out, 'cat', 'memory');
    if (failed) return [failed];
    const parsed = parseMeminfo(out.stdout);
    if (!parsed) return [unparseable(f, '/proc/meminfo', 'memory', out.stdout)];
    const { info, lines } = parsed;
    const severity =
      info.availablePercent <= p.criticalPercent
        ? 'critical'
        : info.availablePercent <= p.warnPercent
          ? 'warn'
          : 'ok';
    const swapUsed = info.swapTotalBytes - info.swapFreeBytes;
    const swap =
      info.swapTotalBytes > 0 ? `, swap ${mib(swapUsed)} of ${mib(info.swapTotalBytes)} used` : ', no swap';
    const summary = `${info.availablePercent}% of memory available (${mib(info.memAvailableBytes)} of ${mib(info.memTotalBytes)})${swap}`;
    return [f('memory', severity, summary, lines, { ...info })];
  },
};
