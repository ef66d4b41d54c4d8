/** Pure parsers for php-fpm evidence: its error log, pool `listen` lines and `stat` of the socket. */

const months: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

export interface FpmLogLine {
  raw: string;
  /** The logged time as a naive number (ms, computed as if it were UTC), for comparisons only. */
  at: number;
  level: string;
  message: string;
}

/** `[22-Nov-2026 02:35:57] WARNING: [pool www] …` (php-fpm adds `.123456` with log_level debug). */
export function parseFpmLogLine(raw: string): FpmLogLine | undefined {
  const m = /^\[(\d{2})-([A-Z][a-z]{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\] (\w+): (.*)$/.exec(
    raw.trimEnd(),
  );
  const month = m?.[2] !== undefined ? months[m[2]] : undefined;
  if (!m || month === undefined) return undefined;
  const at = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  return { raw: raw.trimEnd(), at, level: m[7] ?? '', message: m[8] ?? '' };
}

export interface FpmSaturation {
  pool: string;
  maxChildren: number | null;
  lines: FpmLogLine[];
}

/** `server reached pm.max_children setting` (dynamic) and `server reached max_children setting` (ondemand), per pool. */
export function fpmSaturation(lines: readonly FpmLogLine[]): FpmSaturation[] {
  const pools = new Map<string, FpmSaturation>();
  for (const l of lines) {
    const m = /\[pool ([^\]]+)\] server reached (?:pm\.)?max_children setting(?: \((\d+)\))?/.exec(l.message);
    if (!m?.[1]) continue;
    const s = pools.get(m[1]) ?? { pool: m[1], maxChildren: null, lines: [] };
    if (m[2]) s.maxChildren = Number(m[2]);
    s.lines.push(l);
    pools.set(m[1], s);
  }
  return [...pools.values()];
}

/** What php-fpm's own log says about its workers; one event per WARNING/ERROR/ALERT line. */
export type FpmEvent = FpmEventBase &
  (
    | { kind: 'child-signal'; signal: number; signalName: string; coreDumped: boolean; afterSeconds: number }
    | { kind: 'child-exit'; code: number; afterSeconds: number }
    | { kind: 'execution-timeout' | 'slow-request'; script: string; request: string; seconds: number }
    | { kind: 'failed-threshold'; failures: number; seconds: number }
    | { kind: 'max-children'; maxChildren: number | null }
    | { kind: 'seems-busy'; spawning: number; idle: number; total: number }
    | { kind: 'bind-failed'; address: string; reason: string }
    | { kind: 'init-failed' }
    | { kind: 'other'; message: string }
  );

export interface FpmEventBase {
  /** The log line, verbatim. */
  line: string;
  /** As {@link FpmLogLine.at}: the logged time read as if it were UTC. */
  at: number;
  level: string;
  /** The `[pool NAME]` the line names; null for master-wide lines. */
  pool: string | null;
  /** The child's pid where the line names one (`child N`). */
  pid: number | null;
}

/** An event's own fields (Omit distributed over the union). */
type Detail = FpmEvent extends infer E ? (E extends unknown ? Omit<E, keyof FpmEventBase> : never) : never;
const num = (s: string | undefined) => Number(s);

/** Message patterns (php-fpm 7.x/8.x fpm_children.c, fpm_request.c, fpm_process_ctl.c, fpm_sockets.c). */
const patterns: { re: RegExp; make: (m: RegExpExecArray) => Detail }[] = [
  {
    re: /child (\d+) exited on signal (\d+) \((\w+)( - core dumped)?\) after ([\d.]+) seconds/,
    make: (m) => ({
      kind: 'child-signal',
      signal: num(m[2]),
      signalName: m[3] ?? '',
      coreDumped: m[4] !== undefined,
      afterSeconds: num(m[5]),
    }),
  },
  {
    re: /child (\d+) exited with code (\d+) after ([\d.]+) seconds/,
    make: (m) => ({ kind: 'child-exit', code: num(m[2]), afterSeconds: num(m[3]) }),
  },
  {
    re: /child (\d+), script '(.*)' \(request: "(.*)"\) (execution timed out|executing too slow) \(([\d.]+) sec\)/,
    make: (m) => ({
      kind: m[4] === 'execution timed out' ? 'execution-timeout' : 'slow-request',
      script: m[2] ?? '',
      request: m[3] ?? '',
      seconds: num(m[5]),
    }),
  },
  {
    re: /failed processes threshold \((\d+) in (\d+) sec\) is reached/,
    make: (m) => ({ kind: 'failed-threshold', failures: num(m[1]), seconds: num(m[2]) }),
  },
  {
    re: /server reached (?:pm\.)?max_children setting(?: \((\d+)\))?/,
    make: (m) => ({ kind: 'max-children', maxChildren: m[1] ? Number(m[1]) : null }),
  },
  {
    re: /seems busy \(.*\), spawning (\d+) children, there are (\d+) idle, and (\d+) total children/,
    make: (m) => ({ kind: 'seems-busy', spawning: num(m[1]), idle: num(m[2]), total: num(m[3]) }),
  },
  {
    re: /unable to bind listening socket for address '(.*)': (.*)$/,
    make: (m) => ({ kind: 'bind-failed', address: m[1] ?? '', reason: m[2] ?? '' }),
  },
  {
    re: /Another FPM instance seems to already listen on (.*)$/,
    make: (m) => ({ kind: 'bind-failed', address: m[1] ?? '', reason: 'another FPM instance listens there' }),
  },
  { re: /FPM initialization failed/, make: () => ({ kind: 'init-failed' }) },
];

const eventLevels = new Set(['WARNING', 'ERROR', 'ALERT']);

/**
 * Typed events from php-fpm's error log: crashed, killed and timed-out children, the emergency
 * restart threshold, saturation, bind and start-up failures. NOTICE and DEBUG lines (a child
 * started, an idle child reaped with SIGQUIT, a clean exit with code 0) yield nothing; any other
 * WARNING/ERROR/ALERT line is an `other` event with its level.
 */
export function parseFpmEvents(lines: readonly FpmLogLine[]): FpmEvent[] {
  const out: FpmEvent[] = [];
  for (const l of lines) {
    if (!eventLevels.has(l.level)) continue;
    const base = {
      line: l.raw,
      at: l.at,
      level: l.level,
      pool: /\[pool ([^\]]+)\]/.exec(l.message)?.[1] ?? null,
      pid: l.message.match(/\bchild (\d+)\b/)?.[1],
    };
    let detail: Detail = { kind: 'other', message: l.message };
    for (const p of patterns) {
      const m = p.re.exec(l.message);
      if (m) {
        detail = p.make(m);
        break;
      }
    }
    out.push({ ...base, pid: base.pid ? Number(base.pid) : null, ...detail } as FpmEvent);
  }
  return out;
}

export interface PoolListen {
  file: string;
  value: string;
  owner?: string;
  group?: string;
  mode?: string;
}

/**
 * Parse `grep -H` output of pool files (`FILE:listen = …`, `FILE:listen.owner = …`). The
 * listen.owner/group/mode settings are attached to the nearest `listen` of the same file.
 */
export function parsePoolListen(text: string): { listen: PoolListen[]; lines: string[] } {
  const listen: PoolListen[] = [];
  const lines: string[] = [];
  const pending = new Map<string, Partial<PoolListen>>();
  for (const raw of text.split('\n')) {
    const m = /^([^:]+):\s*listen(?:\.(owner|group|mode))?\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m?.[1] || m[3] === undefined) continue;
    const [file, key, value] = [m[1], m[2], m[3].replace(/^"(.*)"$/, '$1')];
    lines.push(raw.trimEnd());
    if (!key) {
      listen.push({ file, value, ...pending.get(file) });
      pending.delete(file);
      continue;
    }
    const last = listen.filter((l) => l.file === file).pop();
    if (last) last[key as 'owner'] = value;
    else pending.set(file, { ...pending.get(file), [key]: value });
  }
  return { listen, lines };
}

export interface StatLine {
  type: string;
  owner: string;
  group: string;
  mode: string;
  name: string;
}

/** Parse `stat -c '%F|%U|%G|%a|%n'` output. */
export function parseStatLine(text: string): StatLine | undefined {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const m = /^([a-z ]+)\|([^|]*)\|([^|]*)\|([0-7]{3,4})\|(.*)$/.exec(line.trimEnd());
  if (!m?.[1] || m[2] === undefined || m[3] === undefined || !m[4] || m[5] === undefined) return undefined;
  return { type: m[1], owner: m[2], group: m[3], mode: m[4], name: m[5] };
}

/** The fields Medic reads from php-fpm's status page (`?json`). */
export interface FpmStatus {
  pool: string;
  listenQueue: number;
  maxListenQueue: number;
  idle: number;
  active: number;
  total: number;
  maxChildrenReached: number;
  slowRequests: number;
}

/** Parse php-fpm's `status?json` body; null when it is not the status page. */
export function parseFpmStatus(body: string): FpmStatus | null {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return null;
  }
  const n = (k: string) => (typeof raw[k] === 'number' ? (raw[k] as number) : Number.NaN);
  const s: FpmStatus = {
    pool: typeof raw.pool === 'string' ? raw.pool : '?',
    listenQueue: n('listen queue'),
    maxListenQueue: n('max listen queue'),
    idle: n('idle processes'),
    active: n('active processes'),
    total: n('total processes'),
    maxChildrenReached: n('max children reached'),
    slowRequests: n('slow requests'),
  };
  return Object.values(s).some((v) => typeof v === 'number' && Number.isNaN(v)) ? null : s;
}

export function describeFpmStatus(s: FpmStatus): string {
  return `pool ${s.pool}: listen queue ${s.listenQueue} (max ${s.maxListenQueue}), idle ${s.idle}, active ${s.active}/${s.total}, max children reached ${s.maxChildrenReached}, slow requests ${s.slowRequests}`;
}
