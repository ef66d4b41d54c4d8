/**
 * Pure parser for nginx error-log lines:
 * `YYYY/MM/DD HH:MM:SS [level] pid#tid: *cid message, client: …, server: …, request: "…", upstream: "…", host: "…"`.
 * The kinds are the messages nginx 1.22's upstream, proxy, FastCGI, uwsgi, grpc, SSL, resolver and
 * event modules log (see the fixtures under test/fixtures/nginx-errors/kinds-*.txt).
 */

import type { NginxErrorKind, UpstreamPhase } from '../model/facts/nginx.js';

export type { NginxErrorKind, UpstreamPhase };

export interface NginxErrorLine {
  raw: string;
  /** `YYYY/MM/DD HH:MM:SS` as logged (host local time). */
  time: string;
  /** The logged time as a naive number (ms, computed as if it were UTC), for comparisons only. */
  at: number;
  level: string;
  pid: number;
  connection: number | null;
  /** The text before the trailing `, client: …` fields (may span lines: FPM's stderr can). */
  message: string;
  client: string | null;
  server: string | null;
  request: string | null;
  upstream: string | null;
  host: string | null;
  kind: NginxErrorKind;
  /** The `(N: text)` number: an errno, or for `resolver` lines the resolver's status (3 NXDOMAIN, 110 timeout). */
  errno: number | null;
  errnoText: string | null;
  phase: UpstreamPhase;
  /** The upstream without its URI: `http://127.0.0.1:8080`, `fastcgi://unix:/run/php/php8.2-fpm.sock`. */
  upstreamBase: string | null;
  unixSocket: string | null;
  upstreamHost: string | null;
  upstreamPort: number | null;
  /** What nginx was doing: the text after the last ` while ` (`reading upstream` = the response body). */
  during: string | null;
  /** The failing call when nginx names one: `connect`, `bind`, `socket`, `accept4`, `recv`, `writev`, `SSL_do_handshake`. */
  call: string | null;
  /**
   * The variable part of the message: FPM's stderr text, the invalid header or status, the FastCGI
   * record problem (`record: 3`, `protocol version: 72`), the TLS error, what closed (`connection`,
   * `FastCGI stdout`), the local address of a failed bind, the name to resolve, the worker_connections value.
   */
  detail: string | null;
}

const timeRe = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const lineRe = /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[(\w+)\] (\d+)#\d+: (?:\*(\d+) )?([\s\S]*)$/;
const startRe = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[\w+\] \d+#\d+: /;
const fieldRe =
  /(?:^|, )(client|server|request|subrequest|upstream|host|referrer): ("(.*?)"(?=, [a-z]+: |$)|[^,]*)/g;

/** `YYYY/MM/DD HH:MM:SS` → naive ms (as if UTC); undefined when the text is not such a time. */
export function nginxTime(text: string): number | undefined {
  const m = timeRe.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Rejoin entries nginx logged over several lines (FPM stderr with a stack trace) to the line they continue. */
export function joinContinuationLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const prev = out.length - 1;
    if (prev >= 0 && !startRe.test(l) && startRe.test(out[prev] ?? '')) out[prev] += `\n${l}`;
    else out.push(l);
  }
  return out;
}

/** The text after the last ` while `, when it is nginx's action (no quote in it). */
function duringOf(message: string): string | null {
  const at = message.lastIndexOf(' while ');
  const w = at >= 0 ? message.slice(at + 7) : '';
  return w && !w.includes('"') ? w : null;
}

function phaseOf(during: string | null): UpstreamPhase {
  if (!during || !/upstream$/.test(during)) return null;
  if (/^(?:connecting|SSL handshaking)\b/.test(during)) return 'connecting';
  if (/^sending\b/.test(during)) return 'sending';
  if (/^reading\b/.test(during)) return 'reading';
  return null;
}

type Classified = Pick<NginxErrorLine, 'kind' | 'errno' | 'errnoText' | 'call' | 'detail'> & {
  to: string | null;
};

const E = String.raw`\((?<errno>\d+): (?<text>[^)]*)\)`;
/** A RegExp from a raw template: re`^upstream timed out ${E}`. */
const re = (s: TemplateStringsArray, ...v: string[]) => new RegExp(String.raw(s, ...v));
/** [message pattern (named groups errno, text, to, call, detail), kind, only when nginx talks to the upstream]. */
type Rule = [RegExp, NginxErrorKind | ((errno: string | undefined) => NginxErrorKind), boolean?];

/** First match wins. FPM's stderr first: the text it quotes may look like any other message. */
const rules: Rule[] = [
  [/^FastCGI sent in stderr: "(?<detail>[\s\S]*?)(?:"(?: while [^"]*)?)?$/, 'fastcgi-stderr'],
  [
    re`^(?<call>connect)\(\) (?:to (?<to>\S+) )?failed ${E}`,
    (n) => (n === '110' ? 'upstream-timeout' : 'connect-failed'),
  ],
  [re`^(?<call>bind)\((?<detail>\S+)\) failed ${E}`, 'connect-failed'],
  [/^(?<call>\w+)\(\) (?:"[^"]*" )?failed \((?<errno>2[34]): (?<text>[^)]*)\)/, 'open-files'],
  [/^(?<detail>\d+) worker_connections are not enough/, 'worker-connections'],
  [re`^upstream timed out ${E}`, 'upstream-timeout'],
  [/^upstream prematurely closed (?<detail>FastCGI \w+|\w+)/, 'prematurely-closed'],
  [re`^(?<call>writev|send|sendfile|sendmsg|SSL_write|SSL_sendfile)\(\) failed ${E}`, 'send-failed', true],
  [/^(?<call>recv|readv|SSL_read)\(\) failed \((?<errno>104): (?<text>[^)]*)\)/, 'recv-reset', true],
  [/^no live upstreams/, 'no-live-upstreams'],
  [/^upstream server temporarily disabled/, 'server-disabled'],
  [/^upstream sent too big header/, 'too-big-header'],
  [
    /^upstream sent (?:unexpected|invalid|unsupported) FastCGI (?<detail>.*?)(?: while |$)/,
    'unexpected-fastcgi-record',
  ],
  [
    /^(?<detail>(?:upstream split a header line in|invalid header after joining) FastCGI records)/,
    'unexpected-fastcgi-record',
  ],
  [
    /^upstream sent (?:invalid (?:header|status|:status)|no valid HTTP\/1\.0 header|no :status header|duplicate :status header|unexpected :status)(?::? "(?<detail>.*)")?(?: while |$)/,
    'invalid-header',
  ],
  [/^upstream (?:sent|rejected|violated) /, 'invalid-response'],
  [
    /^(?<call>SSL_do_handshake)\(\) failed \((?<detail>(?:(?<errno>\d+): (?<text>[^)]*))?.*?)\)(?: while |$)/,
    'ssl-handshake',
  ],
  [/^upstream SSL (?<detail>certificate .*?)(?: while |$)/, 'ssl-handshake'],
  [re`^(?<detail>peer closed connection in SSL handshake)(?: ${E})?`, 'ssl-handshake'],
  [re`^(?<to>(?<detail>\S+)) could not be resolved ${E}`, 'resolver'],
  [/^no resolver defined to resolve (?<to>(?<detail>\S+))/, 'resolver'],
];

function classify(message: string, during: string | null): Classified {
  const upstreamSide = /upstream$/.test(during ?? '');
  let kind: NginxErrorKind =
    upstreamSide && during?.startsWith('SSL handshaking') ? 'ssl-handshake' : 'other';
  let g: Record<string, string | undefined> = /\((?<errno>\d+): (?<text>[^)]*)\)/.exec(message)?.groups ?? {};
  for (const [pattern, k, needsUpstream] of rules) {
    const m = pattern.exec(message);
    if (!m || (needsUpstream && !upstreamSide)) continue;
    g = m.groups ?? {};
    kind = typeof k === 'string' ? k : k(g.errno);
    break;
  }
  return {
    kind,
    errno: g.errno !== undefined ? Number(g.errno) : null,
    errnoText: g.text ?? null,
    to: g.to ?? null,
    call: g.call ?? null,
    detail: g.detail ?? null,
  };
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
    // After some failures nginx logs `http://unix:/run/app.sock/uri` without the `:` before the URI.
    const path = (unix[2] ?? '').replace(/^\/+/, '/').replace(/(\.sock)\/.*$/, '$1');
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

/** Parse one error-log entry; undefined when it does not start with an nginx timestamp and level. */
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
  const during = duringOf(message);
  const c = classify(message, during);
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
    phase: phaseOf(during),
    upstreamBase: base,
    unixSocket: parts?.unixSocket ?? null,
    upstreamHost: parts?.host ?? null,
    upstreamPort: parts?.port ?? null,
    during,
    call: c.call,
    detail: c.detail,
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

/** Whether nginx logged the line at error level or worse. */
export const isSerious = (l: NginxErrorLine): boolean => seriousLevels.has(l.level);

/**
 * Group upstream errors by (kind, errno, upstream without URI; for FPM's stderr, its first line).
 * `other` lines are kept only when they name an upstream and are logged at error level or worse.
 */
export function groupUpstreamErrors(lines: readonly NginxErrorLine[]): UpstreamErrorGroup[] {
  const groups = new Map<string, UpstreamErrorGroup>();
  for (const l of lines) {
    if (l.kind === 'other' && (!l.upstream || !isSerious(l))) continue;
    // FPM's stderr says different things (a missing script, a fatal error): one group per first line.
    const said = l.kind === 'fastcgi-stderr' ? (l.detail ?? '').split('\n')[0] : '';
    const key = `${l.kind}|${l.errno ?? ''}|${l.upstreamBase ?? ''}|${said}`;
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
