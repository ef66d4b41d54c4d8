import type { BackendEventFact } from '../model/facts/unit.js';
import type { Finding } from '../model/finding.js';
import type { Find } from './check.js';
import type { BackendEvent } from './parseBackendLog.js';
import type { FpmEvent } from './parsePhpFpm.js';

/** Events that say something broke, by severity; the rest of what a log says is context. */
const critical = new Set([
  'main-exited',
  'unit-failed',
  'start-limit-hit',
  'oom-killer',
  'heap-oom',
  'worker-timeout',
  'worker-signal',
  'child-signal',
  'execution-timeout',
  'failed-threshold',
  'exception',
  'listen-queue-full',
  'killed',
]);

type Grouped = { fact: BackendEventFact; lines: string[] };

function add(groups: Map<string, Grouped>, e: Omit<BackendEventFact, 'count'>, lines: string[]) {
  const key = `${e.event}|${e.detail ?? ''}`;
  const g = groups.get(key);
  if (g) {
    g.fact.count++;
    g.fact.last = e.last;
    g.lines = [...g.lines, ...lines].slice(-4);
  } else groups.set(key, { fact: { ...e, count: 1 }, lines });
}

const signal = (n: { signalName: string }) => n.signalName;

/** A journal event as a fact: its kind (an OOM result becomes `oom-killer`) and its telling detail. */
function journalDetail(e: BackendEvent): { event: string; detail: string | null } | undefined {
  switch (e.kind) {
    case 'stopped':
    case 'deactivated':
      return undefined; // a stop someone asked for is not a symptom
    case 'main-exited':
      return { event: e.kind, detail: `code=${e.how}, status=${e.status}/${e.statusName}` };
    case 'unit-failed':
      return e.result === 'oom-kill'
        ? { event: 'oom-killer', detail: e.result }
        : { event: e.kind, detail: e.result };
    case 'restart-scheduled':
      return { event: e.kind, detail: `restart counter ${e.counter}` };
    case 'worker-signal':
      // gunicorn 23 logs SIGTERM for every worker of a clean stop
      return e.signal === 15
        ? undefined
        : { event: e.kind, detail: `${signal(e)}${e.hint ? ` (${e.hint})` : ''}` };
    case 'worker-timeout':
      return { event: e.kind, detail: e.request };
    case 'exception':
      return { event: e.kind, detail: e.error };
    case 'listen-queue-full':
      return { event: e.kind, detail: `${e.socket} ${e.queued}/${e.backlog}` };
    case 'address-in-use':
    case 'bind-failed':
      return { event: e.kind, detail: e.address };
    case 'boot-failed':
      return { event: e.kind, detail: e.reason };
    case 'heap-oom':
      return { event: e.kind, detail: e.message };
    default:
      return { event: e.kind, detail: null };
  }
}

/** A unit's journal events, grouped by kind and detail, as findings about that unit. */
export function journalFindings(f: Find, unit: string, events: BackendEvent[]): Finding[] {
  const groups = new Map<string, Grouped>();
  for (const e of events) {
    const d = journalDetail(e);
    if (d)
      add(groups, { source: 'journal', subject: unit, ...d, last: e.time }, [
        e.line,
        ...e.context.slice(0, 2),
      ]);
  }
  return [...groups.values()].map(({ fact, lines }) =>
    f(
      'backend-event',
      critical.has(fact.event) ? 'critical' : 'warn',
      `${unit}: ${fact.event}${fact.detail ? ` (${fact.detail})` : ''}${fact.count > 1 ? ` ${fact.count}×` : ''}`,
      lines,
      fact,
    ),
  );
}

/** php-fpm's log events as findings about its unit (saturation has its own finding). */
export function fpmEventFindings(f: Find, unit: string, events: FpmEvent[]): Finding[] {
  const groups = new Map<string, Grouped>();
  const timedOut = new Set(events.filter((e) => e.kind === 'execution-timeout').map((e) => e.pid));
  for (const e of events) {
    let d: { event: string; detail: string | null } | undefined;
    if (e.kind === 'child-signal') {
      // FPM ends a timed-out child with SIGTERM: that line says nothing the timeout did not.
      if (e.signal === 15 || (e.signal === 9 && timedOut.has(e.pid))) continue;
      d = { event: e.kind, detail: `${e.signalName}${e.coreDumped ? ', core dumped' : ''}` };
    } else if (e.kind === 'child-exit') {
      d = e.code === 0 ? undefined : { event: e.kind, detail: `code ${e.code}` };
    } else if (e.kind === 'execution-timeout') {
      d = { event: e.kind, detail: `${e.request} ${e.seconds} s` };
    } else if (e.kind === 'failed-threshold' || e.kind === 'init-failed' || e.kind === 'seems-busy') {
      d = { event: e.kind, detail: null };
    } else if (e.kind === 'bind-failed') {
      d = { event: e.kind, detail: `${e.address}: ${e.reason}` };
    }
    if (d)
      add(
        groups,
        {
          source: 'php-fpm',
          subject: unit,
          ...d,
          last: new Date(e.at).toISOString().slice(0, 19).replace('T', ' '),
        },
        [e.line],
      );
  }
  return [...groups.values()].map(({ fact, lines }) =>
    f(
      'backend-event',
      critical.has(fact.event) ? 'critical' : 'warn',
      `${unit}: ${fact.event}${fact.detail ? ` (${fact.detail})` : ''}${fact.count > 1 ? ` ${fact.count}×` : ''}`,
      lines,
      fact,
    ),
  );
}
