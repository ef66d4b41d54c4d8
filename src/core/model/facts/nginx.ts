/** What nginx says: its configuration (where it passes requests) and its error log. */

/** One pass target of a server block, as `nginx -T` declares it. */
export interface NginxTarget {
  serverNames: string[];
  listen: string[];
  directive: string;
  /** The address requests go to (an upstream group's server address when resolved through one). */
  target: string;
  /** The upstream group the pass named, when it was resolved through one. */
  upstream?: string;
  unixSocket?: string;
  host?: string;
  port?: number;
}

export interface NginxUpstreamsFact {
  user: string | null;
  targets: NginxTarget[];
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
  | 'other';

export type UpstreamPhase = 'connecting' | 'reading' | null;

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
  phase: UpstreamPhase;
}

export interface NginxErrorsNoneFact {
  errorLog: string;
  linesRead: number;
  linesInWindow: number;
}
