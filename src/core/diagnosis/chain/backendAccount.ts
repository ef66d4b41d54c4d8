import { type Finding, isKind } from '../../model/finding.js';
import type { OwnerView } from '../../model/topology.js';
import type { DiagnosisContext } from '../rule.js';

/** What the backend itself says: its log's events, and the kernel's OOM kills of it. */
export interface Account {
  events: Finding<'backend-event'>[];
  ooms: Finding<'oom-kill'>[];
}

const bare = (u: string) => u.replace(/\.service$/, '');
/** A logged time as a sortable text: `2026-12-02T17:47:41+0000` and `2026-12-02 17:47:41` alike. */
const when = (t: string) => t.replace(' ', 'T').slice(0, 19);

/** Events of kinds that mean "it crashed", "it ran out of time", "it was killed for memory". */
export const crashEvents = new Set([
  'child-signal',
  'worker-signal',
  'main-exited',
  'unit-failed',
  'restart-scheduled',
  'start-limit-hit',
  'exception',
  'failed-threshold',
  'boot-failed',
  'killed',
]);
export const timeoutEvents = new Set(['execution-timeout', 'worker-timeout', 'unit-timeout']);
export const memoryEvents = new Set(['oom-killer', 'heap-oom']);
export const saturationEvents = new Set(['max-children', 'listen-queue-full', 'seems-busy']);

/** The account of one owner: events whose subject is its unit; OOM kills of its cgroup or process. */
export function accountOf(ctx: DiagnosisContext, owner: OwnerView, processName?: string): Account {
  const host = owner.host;
  const unit = owner.kind === 'unit' ? bare(owner.unit) : undefined;
  // The worker-level account (php-fpm's own log) first, then the most recent: the window may
  // hold an older incident of the same unit.
  const events = ctx.findings
    .filter(
      (f): f is Finding<'backend-event'> =>
        isKind(f, 'backend-event') && f.host === host && unit !== undefined && bare(f.data.subject) === unit,
    )
    .sort(
      (a, b) =>
        Number(b.data.source === 'php-fpm') - Number(a.data.source === 'php-fpm') ||
        when(b.data.last).localeCompare(when(a.data.last)),
    );
  const ooms = ctx.findings.filter((f): f is Finding<'oom-kill'> => {
    if (!isKind(f, 'oom-kill') || f.host !== host) return false;
    const memcg = f.data.taskMemcg ?? '';
    if (unit && f.data.unit && bare(f.data.unit) === unit) return true;
    if (
      unit &&
      !f.data.foreign &&
      (memcg.endsWith(`/${unit}.service`) || memcg.includes(`/${unit}.service/`))
    )
      return true;
    if (owner.kind === 'container' && owner.id && memcg.includes(owner.id)) return true;
    return !f.data.foreign && processName !== undefined && f.data.process === processName;
  });
  return { events, ooms };
}

export const ofEvents = (a: Account, kinds: Set<string>) => a.events.filter((e) => kinds.has(e.data.event));
