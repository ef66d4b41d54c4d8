import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { type Command, commandLine, displayLine, TIMEOUT_EXIT } from '../../core/command.js';
import { Semaphore } from '../../core/engine/semaphore.js';
import { MedicError } from '../../core/errors.js';
import type { HostConfig } from '../../core/model/inventory.js';
import type { ExecOptions, ExecResult, Logger, Transport } from '../../core/ports.js';
import { sshError } from './sshError.js';

const MAX_OUTPUT = 4 * 1024 * 1024;

/** OpenSSH-style fingerprint of a raw host key: `SHA256:` + unpadded base64. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/**
 * One pooled ssh2 connection per host: connected on first use, reused by every command of a
 * run, at most `maxChannels` sessions at once, keepalive on, host key pinned.
 */
export class SshTransport implements Transport {
  private client: Promise<Client> | undefined;
  /** Connections that closed: commands on them fail as the host being unreachable. */
  private readonly lost = new WeakSet<Client>();
  private readonly channels: Semaphore;

  constructor(
    readonly host: string,
    private readonly cfg: HostConfig,
    private readonly logger: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.channels = new Semaphore(cfg.maxChannels);
  }

  /** The connected client (for forwarding, e.g. the Docker socket), connecting if needed. */
  connection(): Promise<Client> {
    this.client ??= this.connect();
    return this.client;
  }

  warm(): void {
    this.connection().catch(() => undefined);
  }

  describe(cmd: Command, opts: Pick<ExecOptions, 'privileged' | 'asUser'>): string {
    const asUser = opts.asUser === this.cfg.user ? undefined : opts.asUser;
    return displayLine(cmd, {
      ...(asUser ? { asUser } : {}),
      privileged: Boolean(opts.privileged && this.cfg.sudo),
    });
  }

  async exec(cmd: Command, opts: ExecOptions): Promise<ExecResult> {
    const client = await this.connection();
    // Already the app's user: no sudo needed (and none may be configured for it).
    const asUser = opts.asUser === this.cfg.user ? undefined : opts.asUser;
    const line = commandLine(cmd, { ...opts, asUser, sudo: this.cfg.sudo });
    return this.channels.run(() => this.runWithRetry(client, line, opts));
  }

  /**
   * sshd frees a session slot a moment after the client sees the channel close, so an open can
   * be refused (MaxSessions) even under our cap: retry a few times with a short backoff.
   */
  private async runWithRetry(client: Client, line: string, opts: ExecOptions): Promise<ExecResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.run(client, line, opts);
      } catch (err) {
        if (!(err instanceof MedicError) || err.code !== 'transport.channel' || attempt >= 6) throw err;
        await new Promise((r) => setTimeout(r, 15 * attempt));
      }
    }
  }

  async close(): Promise<void> {
    const pending = this.client;
    this.client = undefined;
    if (!pending) return;
    try {
      (await pending).end();
    } catch {
      // connection never came up: nothing to close
    }
  }

  private connect(): Promise<Client> {
    const cfg = this.cfg;
    let hostKeySeen: string | undefined;
    const config: ConnectConfig = {
      host: cfg.address,
      port: cfg.port,
      username: cfg.user,
      readyTimeout: cfg.connectTimeoutMs,
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        hostKeySeen = fingerprint(key);
        return hostKeySeen === cfg.hostKey?.replace(/=+$/, '');
      },
    };
    if (cfg.privateKeyPath) {
      const path = cfg.privateKeyPath.replace(/^~(?=\/)/, homedir());
      try {
        config.privateKey = readFileSync(path);
      } catch (err) {
        return Promise.reject(
          new MedicError('transport.config', `cannot read the private key for ${this.host}`, { cause: err }),
        );
      }
    } else if (this.env.SSH_AUTH_SOCK) {
      config.agent = this.env.SSH_AUTH_SOCK;
    } else {
      return Promise.reject(
        new MedicError('transport.config', `no private key or ssh-agent for ${this.host}`),
      );
    }

    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let ready = false;
      // ssh2's readyTimeout covers the handshake; this also covers a silent TCP connect.
      const timer = setTimeout(() => {
        client.destroy();
        reject(
          new MedicError(
            'transport.connect-timeout',
            `no answer from ${this.where()} within ${cfg.connectTimeoutMs} ms`,
          ),
        );
      }, cfg.connectTimeoutMs + 500);
      client.on('ready', () => {
        ready = true;
        clearTimeout(timer);
        this.logger.debug({ host: this.host }, 'ssh connected');
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        clearTimeout(timer);
        const mapped = sshError(err, {
          host: this.host,
          where: this.where(),
          pinned: cfg.hostKey,
          seen: hostKeySeen,
        });
        this.logger.warn({ host: this.host, err, code: mapped.code }, 'ssh error');
        if (!ready) reject(mapped);
      });
      client.on('close', () => {
        this.lost.add(client);
        if (this.client && ready) this.client = undefined; // reconnect on next use
      });
      try {
        client.connect(config);
      } catch (err) {
        // ssh2 throws at once for a key it cannot parse (encrypted, malformed).
        clearTimeout(timer);
        reject(
          new MedicError(
            'transport.config',
            `the private key for ${this.host} cannot be used (encrypted or malformed)`,
            { cause: err },
          ),
        );
      }
    });
  }

  private where(): string {
    return `${this.cfg.address}:${this.cfg.port}`;
  }

  private run(client: Client, line: string, opts: ExecOptions): Promise<ExecResult> {
    const started = Date.now();
    const gone = () =>
      new MedicError('transport.unreachable', `the SSH connection to ${this.where()} was lost`);
    return new Promise<ExecResult>((resolve, reject) => {
      if (this.lost.has(client)) {
        reject(gone());
        return;
      }
      const onExec = (err: Error | undefined, stream: ClientChannel) => {
        if (err && this.lost.has(client)) {
          reject(gone());
          return;
        }
        if (err) {
          reject(
            new MedicError('transport.channel', `${this.host} refused a command channel: ${err.message}`, {
              cause: err,
            }),
          );
          return;
        }
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        let size = 0;
        let timedOut = false;
        const collect = (into: Buffer[]) => (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_OUTPUT) into.push(chunk);
        };
        // The remote `timeout` should end it first; closing the channel is the backstop.
        const timer = setTimeout(() => {
          timedOut = true;
          stream.close();
        }, opts.timeoutMs + 3000);
        const onAbort = () => stream.close();
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        stream.on('data', collect(out));
        stream.stderr.on('data', collect(errs));
        stream.on('close', (code: number | null | undefined, signal?: string) => {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          const exit = typeof code === 'number' ? code : null;
          // A channel cut by a lost connection is not a result: the host went away.
          if (exit === null && !timedOut && this.lost.has(client)) {
            reject(gone());
            return;
          }
          resolve({
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errs).toString('utf8'),
            code: exit,
            signal: signal ?? null,
            durationMs: Date.now() - started,
            timedOut: timedOut || exit === TIMEOUT_EXIT,
          });
        });
      };
      try {
        client.exec(line, onExec);
      } catch (err) {
        // ssh2 throws "Not connected" synchronously once the connection is gone.
        reject(this.lost.has(client) || /not connected/i.test(String(err)) ? gone() : err);
      }
    });
  }
}
