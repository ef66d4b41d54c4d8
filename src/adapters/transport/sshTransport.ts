import type { Client } from 'ssh2';
import { type Command, commandLine, displayLine } from '../../core/command.js';
import type { MedicError } from '../../core/errors.js';
import type { HostConfig } from '../../core/model/inventory.js';
import type { ExecOptions, ExecResult, Logger, Transport } from '../../core/ports.js';
import { type BatchItem, runBatch } from './sshBatch.js';
import { runCommand } from './sshCommand.js';
import { type ConnectOptions, connectLink } from './sshConnect.js';
import type { SshLink } from './sshLink.js';

export { fingerprint } from './sshConnect.js';

/** Knobs for tests: how to connect, and the stall grace period. */
export interface SshTransportOptions {
  connect?: (o: ConnectOptions) => Promise<SshLink>;
  stallGraceMs?: number;
}

/**
 * One pooled ssh2 connection per host: connected on first use, reused by every command of a
 * run, at most `maxChannels` sessions at once (fewer when the host refuses more), keepalive
 * on, host key pinned. Every command's timeout is enforced on Medic's side; a host that stops
 * answering is dropped after a short grace period, and stays unreachable until `close()`.
 */
export class SshTransport implements Transport {
  private link: Promise<SshLink> | undefined;
  /** The host stopped answering: fail at once rather than wait for a reconnect to time out. */
  private stalled: MedicError | undefined;
  /** Read-only steps waiting for this turn's batch. */
  private readonly queue: BatchItem[] = [];
  /** Why this host cannot run a batch (then every step gets its own channel). */
  private batchUnsupported: string | undefined;

  constructor(
    readonly host: string,
    private readonly cfg: HostConfig,
    private readonly logger: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly options: SshTransportOptions = {},
  ) {}

  /** The connected client (for forwarding, e.g. the Docker socket), connecting if needed. */
  async connection(): Promise<Client> {
    return (await this.linkUp()).client;
  }

  warm(): void {
    this.linkUp().catch(() => undefined);
  }

  describe(cmd: Command, opts: Pick<ExecOptions, 'privileged' | 'asUser'>): string {
    const asUser = opts.asUser === this.cfg.user ? undefined : opts.asUser;
    return displayLine(cmd, {
      ...(asUser ? { asUser } : {}),
      privileged: Boolean(opts.privileged && this.cfg.sudo),
    });
  }

  async exec(cmd: Command, opts: ExecOptions): Promise<ExecResult> {
    const link = await this.linkUp();
    // Already the app's user: no sudo needed (and none may be configured for it).
    const asUser = opts.asUser === this.cfg.user ? undefined : opts.asUser;
    const line = (remoteMs: number) =>
      commandLine(cmd, { ...opts, timeoutMs: remoteMs, asUser, sudo: this.cfg.sudo });
    if (opts.batch && !opts.signal && this.cfg.batch !== false) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + opts.timeoutMs;
        this.queue.push({ line: line(opts.timeoutMs), timeoutMs: opts.timeoutMs, deadline, resolve, reject });
        if (this.queue.length === 1) setImmediate(() => void this.flush(link));
      });
    }
    return runCommand(link, {
      line,
      timeoutMs: opts.timeoutMs,
      deadline: Date.now() + opts.timeoutMs,
      signal: opts.signal,
    });
  }

  /**
   * The read-only steps queued in this turn of the event loop run as one script on one channel
   * (one round trip and one sshd session for all of them). While every channel is busy the
   * steps asked for meanwhile join the waiting batch: a host that allows few sessions gets few,
   * full batches, not a queue of single steps each waiting out its budget. A single step, or a
   * host whose shell cannot run the script, gets a channel each — the result says so.
   */
  private async flush(link: SshLink): Promise<void> {
    const slot = await link.gate.acquire(Math.min(...this.queue.map((i) => i.deadline)));
    const items = this.queue.splice(0);
    const fallback = this.batchUnsupported;
    const alone = (item: BatchItem, o: { fallback?: string; held?: () => void; deadline?: number }) =>
      runCommand(link, {
        line: () => item.line,
        timeoutMs: item.timeoutMs,
        deadline: o.deadline ?? item.deadline,
        held: o.held,
      }).then((r) => item.resolve(o.fallback ? { ...r, fallback: o.fallback } : r), item.reject);
    if (!slot || fallback || items.length === 1) {
      // The slot (if any) goes to the first; the others wait for theirs within their budgets.
      await Promise.all(
        items.map((i, n) =>
          alone(i, { ...(fallback ? { fallback } : {}), ...(n === 0 && slot ? { held: slot } : {}) }),
        ),
      );
      return;
    }
    const { unsupported } = await runBatch(link, items, slot);
    if (!unsupported) return;
    const why = `the host could not run Medic's batch script (${unsupported}): one channel per step`;
    this.batchUnsupported = why;
    this.logger.warn({ host: this.host, why: unsupported }, 'batch refused; one channel per step');
    // The refused script cost a round trip, not the steps' time: each gets its whole budget.
    await Promise.all(items.map((i) => alone(i, { fallback: why, deadline: Date.now() + i.timeoutMs })));
  }

  /** Hang up the commands still running (their remote processes end), then disconnect. */
  async close(): Promise<void> {
    const pending = this.link;
    this.link = undefined;
    this.stalled = undefined;
    if (!pending) return;
    try {
      await (await pending).close();
    } catch {
      // connection never came up: nothing to close
    }
  }

  private linkUp(): Promise<SshLink> {
    if (this.stalled) return Promise.reject(this.stalled);
    if (this.link) return this.link;
    const connect = this.options.connect ?? connectLink;
    const up = connect({
      host: this.host,
      cfg: this.cfg,
      logger: this.logger,
      env: this.env,
      ...(this.options.stallGraceMs !== undefined ? { stallGraceMs: this.options.stallGraceMs } : {}),
    });
    this.link = up;
    up.then(
      (link) =>
        link.onDown((err, why) => {
          if (this.link !== up) return;
          this.link = undefined; // reconnect on next use, unless the host stopped answering
          if (why === 'stalled') this.stalled = err;
        }),
      () => undefined, // a failed connect stays the answer for this transport
    );
    return up;
  }
}
