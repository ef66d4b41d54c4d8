import type { Command } from './command.js';
import type { HostConfig } from './model/inventory.js';
import type { Report } from './model/report.js';
import type { ReportSummary } from './model/reportSummary.js';
import type { RunOrigin } from './model/runOrigin.js';
import type { RunRecord } from './model/runRecord.js';

export type { ReportSummary } from './model/reportSummary.js';
export type { RunOrigin } from './model/runOrigin.js';

export interface ExecOptions {
  timeoutMs: number;
  /** Run through `sudo -n` (never a password prompt) when the host is configured for sudo. */
  privileged?: boolean;
  /** Run as this user (e.g. the owner of a pm2 daemon), via `sudo -n -u`. Never root. */
  asUser?: string;
  signal?: AbortSignal;
  /**
   * A read-only step: the transport may run it with the host's other read-only steps of the
   * moment as one script on one channel.
   */
  batch?: boolean;
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
  /** Set when a step asked to be batched ran on its own channel instead, and why. */
  fallback?: string;
}

/**
 * Runs commands on one host. Failures to reach the host (refused, timeout, auth, host key,
 * channel refused) reject with a MedicError whose code starts with `transport.`.
 */
export interface Transport {
  readonly host: string;
  exec(cmd: Command, opts: ExecOptions): Promise<ExecResult>;
  /**
   * How `exec` would run it on this host, as people read it (`displayLine`): no sudo for a
   * host without it, none for the user it is already logged in as.
   */
  describe?(cmd: Command, opts: Pick<ExecOptions, 'privileged' | 'asUser'>): string;
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

/** One line of a container's log, in order, with the stream it came from. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/**
 * A host's container engine (the Docker Engine API). Returns the API's raw JSON: the core
 * parses it, so parsers are tested on verbatim API answers.
 */
export interface ContainerEngine {
  /** GET /containers/json?all=1 filtered by exact name, a `key=value` label, an id or a published port. */
  list(filter: { name?: string; label?: string; id?: string; publish?: number }): Promise<unknown[]>;
  inspect(id: string): Promise<unknown>;
  /** The last `tail` lines of stdout and stderr, demultiplexed, in order. */
  logs(id: string, tail: number, tty: boolean): Promise<LogLine[]>;
  /** One-shot stats (never a stream left open). */
  stats(id: string): Promise<unknown>;
  /** How many `oom` events the engine recorded for the container since `sinceSec` (Unix time). */
  oomEvents(id: string, sinceSec: number): Promise<number>;
  /** Remediation: POST /containers/{id}/restart?t=… */
  restart(id: string, stopTimeoutSec: number): Promise<void>;
  stop(id: string, stopTimeoutSec: number): Promise<void>;
  start(id: string): Promise<void>;
  rename(id: string, name: string): Promise<void>;
  /** POST /containers/{id}/update (e.g. its restart policy). */
  update(id: string, body: Record<string, unknown>): Promise<void>;
  remove(id: string): Promise<void>;
  /** POST /containers/create with the API's own body; returns the new id. */
  create(name: string, body: Record<string, unknown>): Promise<string>;
  /** GET /images/json filtered by reference (e.g. `shop`), raw. */
  images(reference: string): Promise<unknown[]>;
  /** GET /images/{id}/json, raw (its Config holds the image's own defaults). */
  inspectImage(id: string): Promise<unknown>;
}

export interface ContainerEngineFactory {
  /** The engine of one host; over SSH it rides on that host's transport. */
  open(name: string, host: HostConfig, transport: Transport): ContainerEngine;
}

/**
 * Runs and their reports survive restarts (history, approvals, audit). A write the store cannot
 * make rejects with a `StoreError` saying why (disk full, read-only, …).
 */
export interface Store {
  saveReport(report: Report, origin: RunOrigin): Promise<void>;
  /** A run that ended without a report (interrupted by shutdown), so history shows it. */
  saveRun?(run: RunRecord): Promise<void>;
  getReport(id: string): Promise<Report | undefined>;
  /**
   * Newest first. With `playbook`: only the reports of that playbook; without: every report and
   * every run that ended without one (status `interrupted`).
   */
  history(site: string, limit: number, playbook?: string): Promise<ReportSummary[]>;
  /** The newest report of every site. */
  latestPerSite(): Promise<ReportSummary[]>;
  close(): Promise<void>;
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
