/** What nginx says: its configuration (where it passes requests) and its error log. */

/** One pass target of a server block, as `nginx -T` declares it. */
export interface NginxTarget {
  serverNames: string[];
  listen: string[];
  /** The location block that passes (`/`, `~ \.php$`), absent for a pass in the server block itself. */
  location?: string;
  /** `file:line` of the pass directive. */
  at?: string;
  directive: string;
  /** The value as written, e.g. `http://api_backend` or `unix:/run/php/php8.2-fpm.sock`. */
  value?: string;
  /** The pass holds variables: its address is only known per request (resolver). */
  dynamic?: boolean;
  /** The address requests go to (an upstream group's server address when resolved through one). */
  target: string;
  /** The upstream group the pass named, when it was resolved through one. */
  upstream?: string;
  unixSocket?: string;
  host?: string;
  port?: number;
}

/** A location block and what it does with a request. */
export interface NginxLocation {
  /** As written after `location`: `/`, `= /fpm-status`, `~ \.php$`, `@fallback`. */
  match: string;
  /** Its pass directives (its own, and those of nested `if` blocks), as written. */
  passes: Array<{ directive: string; value: string; at: string }>;
  /** `try_files` arguments, when set. */
  tryFiles?: string[];
  /** Buffer settings that decide "upstream sent too big header" (`proxy_buffer_size 4k`). */
  buffers: Record<string, string>;
  /** Nested locations. */
  locations: NginxLocation[];
}

/** A server block: the names and ports it answers, where it logs, how it routes. */
export interface NginxServer {
  names: string[];
  listen: string[];
  /** Some `listen` of it has `default_server` (or `default`). */
  defaultServer: boolean;
  /** `file:line` of the block. */
  at: string;
  /** The error logs in effect for it (its own, else http's, else the main context's). */
  errorLogs: string[];
  /** `index` in effect (its own or inherited from http). */
  index: string[];
  /** Passes written in the server block itself, outside any location. */
  passes: Array<{ directive: string; value: string; at: string }>;
  buffers: Record<string, string>;
  locations: NginxLocation[];
}

export interface NginxUpstreamsFact {
  user: string | null;
  targets: NginxTarget[];
  servers: NginxServer[];
  /** Upstream groups and the addresses of their `server` lines. */
  upstreams: Record<string, string[]>;
  /** The main context's `worker_connections` and `worker_rlimit_nofile`, when set. */
  workerConnections: number | null;
  workerRlimitNofile: number | null;
}

export interface NginxTestFailedFact {
  messages: string[];
  file: string | null;
  line: number | null;
}

export interface NginxTestDeniedFact {
  messages: string[];
}

export type NginxErrorKind =
  | 'connect-failed'
  | 'prematurely-closed'
  | 'recv-reset'
  | 'no-live-upstreams'
  | 'upstream-timeout'
  | 'too-big-header'
  | 'send-failed'
  | 'invalid-header'
  | 'invalid-response'
  | 'unexpected-fastcgi-record'
  | 'fastcgi-stderr'
  | 'ssl-handshake'
  | 'worker-connections'
  | 'open-files'
  | 'resolver'
  | 'server-disabled'
  | 'other';

export type UpstreamPhase = 'connecting' | 'sending' | 'reading' | null;

/** A group of upstream errors of one kind, errno and upstream, in the check's window. */
export interface NginxUpstreamErrorFact {
  errorKind: NginxErrorKind;
  errno: number | null;
  upstream: string | null;
  unixSocket: string | null;
  upstreamHost: string | null;
  upstreamPort: number | null;
  count: number;
  /** Logged times (host local) of the first and last line of the group. */
  first: string;
  last: string;
  server: string | null;
  /** The request's Host header, as the line logs it. */
  requestHost: string | null;
  phase: UpstreamPhase;
  /** nginx's own "while …" text (`reading upstream` is the body, after the status was sent). */
  during: string | null;
  /** The call that failed (`connect`, `recv`, `writev`, `SSL_do_handshake`, …). */
  call: string | null;
  /** The variable part: FPM's stderr text, the bad header, the TLS error, the name to resolve. */
  detail: string | null;
  /** Lines of the group logged within the last `freshSeconds` before the host's now. */
  fresh: number;
  freshSeconds: number;
}

export interface NginxErrorsNoneFact {
  errorLog: string;
  linesRead: number;
  linesInWindow: number;
}
