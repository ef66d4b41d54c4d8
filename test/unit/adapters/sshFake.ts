/**
 * A fake ssh2 Client for the transport's state machine: channels that open, get refused or
 * are never answered, a host that answers pings or has gone silent. It behaves as ssh2 does
 * where the transport relies on it: `close` on the client first, then pending opens fail and
 * open channels close without an exit code.
 */
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { SshLink } from '../../../src/adapters/transport/sshLink.js';
import type { SshTransportOptions } from '../../../src/adapters/transport/sshTransport.js';
import { silentLogger } from '../../../src/core/ports.js';

export class FakeChannel extends EventEmitter {
  readonly stderr = new EventEmitter();
  readonly signals: string[] = [];
  closeSent = false;
  private done = false;

  constructor(
    readonly line: string,
    private readonly host: FakeSsh,
  ) {
    super();
  }

  signal(name: string): void {
    this.signals.push(name);
    // A live host ends the process on a hangup: exit signal, then the channel closes.
    if (this.host.alive && this.host.obeysSignals) setTimeout(() => this.finish(null, `SIG${name}`), 5);
  }

  close(): void {
    this.closeSent = true;
  }

  /** The remote command ends: output, then close with its exit code (or signal). */
  finish(code: number | null, signal?: string, stdout = ''): void {
    if (this.done) return;
    this.done = true;
    this.host.open.delete(this);
    if (stdout) this.emit('data', Buffer.from(stdout));
    if (code === null) this.emit('close', null, signal);
    else this.emit('close', code);
  }

  /** The connection died under it. */
  cut(): void {
    if (this.done) return;
    this.done = true;
    this.emit('close', undefined);
  }
}

type ExecCallback = (err: Error | undefined, ch: FakeChannel) => void;

export class FakeSsh extends EventEmitter {
  /** The host answers at all (false: frozen, nothing comes back). */
  alive = true;
  obeysSignals = true;
  /** sshd's MaxSessions: opens beyond it are refused. */
  maxSessions = Number.POSITIVE_INFINITY;
  /** What a command does once its channel is open (default: exits 0 at once). */
  onRun: (ch: FakeChannel) => void = (ch) => setTimeout(() => ch.finish(0), 1);
  readonly open = new Set<FakeChannel>();
  readonly started: FakeChannel[] = [];
  refusals = 0;
  peakOpen = 0;
  pings = 0;
  destroyed = false;
  ended = false;
  link: SshLink | undefined;
  private readonly pending = new Set<ExecCallback>();

  exec(line: string, cb: ExecCallback): void {
    if (this.destroyed || this.ended) throw new Error('Not connected');
    if (!this.alive) {
      this.pending.add(cb); // the open is never answered
      return;
    }
    setTimeout(() => {
      this.link?.traffic();
      if (this.open.size >= this.maxSessions) {
        this.refusals++;
        cb(
          Object.assign(new Error('(SSH) Channel open failure: open failed'), { reason: 2 }),
          undefined as never,
        );
        return;
      }
      const ch = new FakeChannel(line, this);
      this.open.add(ch);
      this.started.push(ch);
      this.peakOpen = Math.max(this.peakOpen, this.open.size);
      cb(undefined, ch);
      this.onRun(ch);
    }, 1);
  }

  unforwardIn(_addr: string, _port: number, cb: (err?: Error) => void): void {
    this.pings++;
    if (!this.alive) return;
    setTimeout(() => {
      this.link?.traffic();
      cb(new Error('Unable to unbind'));
    }, 1);
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.emit('close');
    for (const cb of this.pending) cb(new Error('No response from server'), undefined as never);
    this.pending.clear();
    for (const ch of this.open) ch.cut();
    this.open.clear();
    return this;
  }

  end(): this {
    this.ended = true;
    return this.destroy();
  }

  /** Transport options that connect to this fake. */
  options(maxChannels: number, graceMs = 2000): SshTransportOptions {
    return {
      connect: async (o) => {
        this.link = new SshLink({
          client: this as unknown as Client,
          host: o.host,
          where: 'fake:22',
          maxChannels,
          logger: silentLogger,
          graceMs,
        });
        return this.link;
      },
    };
  }
}
