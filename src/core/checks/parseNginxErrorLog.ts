/**
 * Pure parser for nginx error-log lines:
 * `YYYY/MM/DD HH:MM:SS [level] pid#tid: *cid message, client: …, server: …, request: "…", upstream: "…", host: "…"`.
 */

export type NginxErrorKind =
  | 'connect-failed'
  | 'prematurely-closed'
  | 'recv-reset'
  | 'no-live-upstreams'
  | 'upstream-timeout'
  | 'too-big-header'
  | 'other';

export type UpstreamPhase = 'connecting' | 'reading' | null;

export interface NginxErrorLine {
  raw: string;
  /** `YYYY/MM/DD HH:MM:SS` as logged (host local time). */
  time: string;
  /** The logged time as a naive number (ms, computed as if it were UTC), for comparisons only. */
  at: number;
  level: string;
  pid: number;
  connection: number | null;
  /** The text before the trailing `, client: …` fields. */
  message: string;
  client: string | null;
  server: string | null;
  request: string | null;
  upstream: string | null;
  host: string | null;
  kind: NginxErrorKind;
  errno: number | null;
  errnoText: string | null;
  phase: UpstreamPhase;
  /** The upstream without its URI: `http://127.0.0.1:8080`, `fastcgi://unix:/run/php/php8.2-fpm.sock`. */
  upstreamBase: string | null;
  unixSocket: string | null;
  upstreamHost: string | null;
  upstreamPort: number | null;
}

const timeRe = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const lineRe = /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[(\w+)\] (\d+)#\d+: (?:\*(\d+) )?(.*)$/;
const fieldRe =
  /(?:^|, )(client|server|request|subrequest|upstream|host|referrer): ("(.*?)"(?=, [a-z]+: |$)|[^,]*)/g;

/** `YYYY/MM/DD HH:MM:SS` → naive ms (as if UTC); undefined when the text is not such a time. */
export function nginxTime(text: string): number | undefined {
  const m = timeRe.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function phaseOf(message: string): UpstreamPhase {
  const w = / while (.*)$/.exec(message)?.[1] ?? '';
  if (/^connecting\b|^SSL handshaking/.test(w)) return 'connecting';
  if (/^reading\b/.test(w)) return 'reading';
  return null;
}

function classify(message: string): {
  kind: NginxErrorKind;
  errno: number | null;
  errnoText: string | null;
  to: string | null;
} {
  const connect = /^connect\(\) (?:to (\S+) )?failed \((\d+): ([^)]*)\)/.exec(message);
  if (connect) {
    const errno = Number(connect[2]);
    const kind = errno === 110 ? 'upstream-timeout' : 'connect-failed';
    return { kind, errno, errnoText: connect[3] ?? null, to: connect[1] ?? null };
  }
  const timeout = /^upstream timed out \((\d+): ([^)]*)\)/.exec(message);
  if (timeout)
    return { kind: 'upstream-timeout', errno: Number(timeout[1]), errnoText: timeout[2] ?? null, to: null };
  if (/^upstream prematurely closed/.test(message)) {
    return { kind: 'prematurely-closed', errno: null, errnoText: null, to: null };
  }
  const io = /^\w+\(\) failed \((\d+): ([^)]*)\)/.exec(message);
  if (io && io[1] === '104' && /upstream/.test(message)) {
    return { kind: 'recv-reset', errno: 104, errnoText: io[2] ?? null, to: null };
  }
  if (/^no live upstreams/.test(message))
    return { kind: 'no-live-upstreams', errno: null, errnoText: null, to: null };
  if (/^upstream sent too big header/.test(message)) {
    return { kind: 'too-big-header', errno: null, errnoText: null, to: null };
  }
  const any = /\((\d+): ([^)]*)\)/.exec(message);
  return { kind: 'other', errno: any ? Number(any[1]) : null, errnoText: any?.[2] ?? null, to: null };
}

/** Split an upstream (`scheme://unix:/path:/uri`, `scheme://host:port/uri`, `unix:/path`) into parts. */
export function parseUpstreamAddress(text: string): {
  base: string;
  unixSocket: string | null;
  host: string | null;
  port: number | null;
} {
  const unix = /^(?:([a-z][a-z0-9+]*):\/\/)?unix:([^:]*)/i.exec(text);
  if (unix) {
    const path = (unix[2] ?? '').replace(/^\/+/, '/');
    return {
      base: `${unix[1] ? `${unix[1]}://` : ''}unix:${path}`,
      unixSocket: path,
      host: null,
      port: null,
    };
  }
  const tcp = /^(?:([a-z][a-z0-9+]*):\/\/)?(\[[^\]]*\]|[^/:\s]+)(?::(\d+))?/i.exec(text);
  if (!tcp?.[2]) return { base: text, unixSocket: null, host: null, port: null };
  const port = tcp[3] ? Number(tcp[3]) : null;
  return {
    base: `${tcp[1] ? `${tcp[1]}://` : ''}${tcp[2]}${port !== null ? `:${port}` : ''}`,
    unixSocket: null,
    host: tcp[2].replace(/^\[|\]$/g, ''),
    port,
  };
}

/** Parse one error-log line; undefined when it does not start with an nginx timestamp and level. */
export function parseNginxErrorLine(raw: string): NginxErrorLine | undefined {
  const m = lineRe.exec(raw.trimEnd());
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  const at = nginxTime(m[1]);
  if (at === undefined) return undefined;
  const rest = m[5] ?? '';
  const cut = rest.lastIndexOf(', client: ');
  const message = cut >= 0 ? rest.slice(0, cut) : rest;
  const fields = new Map<string, string>();
  if (cut >= 0) {
    for (const fm of rest.slice(cut).matchAll(fieldRe)) {
      if (fm[1] && fm[2] !== undefined) fields.set(fm[1], fm[3] ?? fm[2]);
    }
  }
  const c = classify(message);
  const upstream = fields.get('upstream') ?? null;
  const addr = c.to ?? upstream;
  const parts = addr ? parseUpstreamAddress(addr) : undefined;
  const base = upstream ? parseUpstreamAddress(upstream).base : (parts?.base ?? null);
  return {
    raw: raw.trimEnd(),
    time: m[1],
    at,
    level: m[2],
    pid: Number(m[3]),
    connection: m[4] ? Number(m[4]) : null,
    message,
    client: fields.get('client') ?? null,
    server: fields.get('server') ?? null,
    request: fields.get('request') ?? null,
    upstream,
    host: fields.get('host') ?? null,
    kind: c.kind,
    errno: c.errno,
    errnoText: c.errnoText,
    phase: phaseOf(message),
    upstreamBase: base,
    unixSocket: parts?.unixSocket ?? null,
    upstreamHost: parts?.host ?? null,
    upstreamPort: parts?.port ?? null,
  };
}

export interface UpstreamErrorGroup {
  kind: NginxErrorKind;
  errno: number | null;
  upstream: string | null;
  count: number;
  /** Lines in log order; the last is the most recent. */
  lines: NginxErrorLine[];
}

const seriousLevels = new Set(['error', 'crit', 'alert', 'emerg']);

/**
 * Group upstream errors by (kind, errno, upstream without URI). `other` lines are kept only
 * when they name an upstream and are logged at error level or worse.
 */
export function groupUpstreamErrors(lines: readonly NginxErrorLine[]): UpstreamErrorGroup[] {
  const groups = new Map<string, UpstreamErrorGroup>();
  for (const l of lines) {
    if (l.kind === 'other' && (!l.upstream || !seriousLevels.has(l.level))) continue;
    const key = `${l.kind}|${l.errno ?? ''}|${l.upstreamBase ?? ''}`;
    const g = groups.get(key) ?? {
      kind: l.kind,
      errno: l.errno,
      upstream: l.upstreamBase,
      count: 0,
      lines: [],
    };
    g.count++;
    g.lines.push(l);
    groups.set(key, g);
  }
  return [...groups.values()];
}
