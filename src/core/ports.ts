import type { Command } from './command.js';
import type { HostConfig } from './model/inventory.js';

export interface ExecOptions {
  timeoutMs: number;
  /** Run through `sudo -n` (never a password prompt) when the host is configured for sudo. */
  privileged?: boolean;
  /** Run as this user (e.g. the owner of a pm2 daemon), via `sudo -n -u`. Never root. */
  asUser?: string;
  signal?: AbortSignal;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when killed by a signal or the channel closed without one. */
  code: number | null;
  signal: string | null;
  durationMs: number;
  /** True when the per-command timeout fired. */
  timedOut: boolean;
}

/**
 * Runs commands on one host. Failures to reach the host (refused, timeout, auth, host key,
 * channel refused) reject with a MedicError whose code starts with `transport.`.
 */
export interface Transport {
  readonly host: string;
  exec(cmd: Command, opts: ExecOptions): Promise<ExecResult>;
  /** Start connecting ahead of the first exec (optional; failures surface on exec). */
  warm?(): void;
  close(): Promise<void>;
}

export interface TransportFactory {
  /** One transport per host for a run; connection happens lazily on first exec. */
  open(name: string, host: HostConfig): Transport;
}

export interface HttpProbeResult {
  status: number | null;
  durationMs: number;
  /** Server header and the first bytes of the body, to tell nginx's own 502 page from the app's. */
  server?: string;
  bodySnippet?: string;
  error?: { code: string; message: string };
}

/** Probes a URL from where Medic runs (the user's view of the site, through the gateway). */
export interface HttpProber {
  get(url: string, opts: { timeoutMs: number; hostHeader?: string }): Promise<HttpProbeResult>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Structured logger port; pino implements it in the entry points. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
