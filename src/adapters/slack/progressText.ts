import type { ProgressEvent } from '../../core/model/progress.js';
import { clip, inert, LIMITS } from './blockLimits.js';

/** What one thread's progress message shows, folded from progress events. */
export interface ProgressState {
  site: string;
  playbook: string;
  total: number;
  done: number;
  hosts: Map<string, { total: number; done: number; bad: string[]; failed?: string }>;
  finished?: { status: string; seconds: number };
  /** Medic stopped before the run could finish. */
  interrupted?: boolean;
}

export function newProgress(site: string, playbook: string): ProgressState {
  return { site, playbook, total: 0, done: 0, hosts: new Map() };
}

/** Fold one event into the state (mutates and returns it). */
export function foldProgress(s: ProgressState, e: ProgressEvent): ProgressState {
  if (e.type === 'run-started') {
    s.total = e.total;
    for (const [host, total] of Object.entries(e.perHost)) s.hosts.set(host, { total, done: 0, bad: [] });
  } else if (e.type === 'checks-added') {
    s.total = e.total;
    for (const [host, n] of Object.entries(e.perHost)) {
      const h = s.hosts.get(host) ?? { total: 0, done: 0, bad: [] };
      h.total += n;
      s.hosts.set(host, h);
    }
  } else if (e.type === 'check-finished') {
    s.done = e.done;
    const h = s.hosts.get(e.run.host) ?? { total: 0, done: 0, bad: [] };
    h.done++;
    if (e.run.status === 'critical' || e.run.status === 'warn' || e.run.status === 'error')
      h.bad.push(`${e.run.check} ${e.run.status}`);
    s.hosts.set(e.run.host, h);
  } else if (e.type === 'host-failed') {
    const h = s.hosts.get(e.host) ?? { total: 0, done: 0, bad: [] };
    h.failed = e.message;
    s.hosts.set(e.host, h);
  }
  return s;
}

/** The progress message: a headline and one line per host, every name escaped. Pure. */
export function progressText(s: ProgressState): string {
  const site = inert(s.site, 100);
  const playbook = inert(s.playbook, 100);
  const head = s.finished
    ? `:white_check_mark: Diagnosed *${site}* with \`${playbook}\` in ${s.finished.seconds.toFixed(1)} s: ${inert(s.finished.status, 20)}`
    : s.interrupted
      ? `:octagonal_sign: Diagnosis of *${site}* with \`${playbook}\` interrupted by shutdown at ${s.done}/${s.total || '?'} checks`
      : `:stethoscope: Diagnosing *${site}* with \`${playbook}\`… ${s.done}/${s.total || '?'} checks`;
  const lines = [...s.hosts].map(([host, h]) => {
    if (h.failed) return `• *${inert(host, 100)}*: :warning: ${inert(h.failed, 300)}`;
    const mark =
      h.done >= h.total && h.total > 0
        ? h.bad.length
          ? ':x:'
          : ':heavy_check_mark:'
        : s.interrupted
          ? ':heavy_minus_sign:'
          : ':hourglass_flowing_sand:';
    const bad = h.bad.length
      ? ` (${h.bad
          .slice(0, 4)
          .map((b) => inert(b, 100))
          .join(', ')}${h.bad.length > 4 ? ', …' : ''})`
      : '';
    return `• *${inert(host, 100)}*: ${mark} ${h.done}/${h.total}${bad}`;
  });
  return clip([head, ...lines].join('\n'), LIMITS.fallbackText);
}
