import type { Client } from 'ssh2';
import { type Command, commandLine, displayLine } from '../../core/command.js';
import type { MedicError } from '../../core/errors.js';
import type { HostConfig } from '../../core/model/inventory.js';
import type { ExecOptions, ExecResult, Logger, Transport } from '../../core/ports.js';
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
    return runCommand(link, {
      line: (remoteMs) => commandLine(cmd, { ...opts, timeoutMs: remoteMs, asUser, sudo: this.cfg.sudo }),
      timeoutMs: opts.timeoutMs,
      deadline: Date.now() + opts.timeoutMs,
      signal: opts.signal,
    });
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
