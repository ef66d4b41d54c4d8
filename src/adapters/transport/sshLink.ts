import type { Client } from 'ssh2';
import { MedicError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import { ChannelGate } from './channelGate.js';

/** How long a connection may stay silent after Medic gave up on a command before it is dropped. */
export const STALL_GRACE_MS = 2000;
/** How long closing waits for the remote processes it hung up on to end. */
const CLOSE_WAIT_MS = 1500;

/** Why a link went down: the connection closed, the host stopped answering, or Medic closed it. */
export type DownReason = 'lost' | 'stalled' | 'closed';

export interface LinkOptions {
  client: Client;
  /** The TCP socket under it: ssh2 will not destroy a socket it has already half-closed. */
  socket?: { destroy(): void };
  host: string;
  where: string;
  maxChannels: number;
  logger: Logger;
  graceMs?: number | undefined;
}

/** A channel running on the link: how to hang it up, and when it has closed. */
interface Running {
  hangUp(): void;
  closed: Promise<void>;
}

/**
 * One SSH connection as the transport uses it: the ssh2 client, its channel gate (the host's
 * real session limit), what arrived on its socket and when, and why it can no longer be used.
 */
export class SshLink {
  readonly gate: ChannelGate;
  private lastRx = Date.now();
  private watching: NodeJS.Timeout | undefined;
  /** When Medic last gave up waiting for the host (a suspicion under way or past). */
  private suspectedAt: number | undefined;
  private down: MedicError | undefined;
  private readonly running = new Set<Running>();
  private downWhy: DownReason | undefined;
  private readonly listeners: Array<(err: MedicError, why: DownReason) => void> = [];

  readonly client: Client;
  readonly host: string;
  readonly where: string;
  private readonly socket: { destroy(): void } | undefined;
  private readonly logger: Logger;
  private readonly graceMs: number;

  constructor(o: LinkOptions) {
    this.client = o.client;
    this.host = o.host;
    this.where = o.where;
    this.socket = o.socket;
    this.logger = o.logger;
    this.graceMs = o.graceMs ?? STALL_GRACE_MS;
    this.gate = new ChannelGate(o.maxChannels);
    o.client.on('close', () =>
      this.fail(new MedicError('transport.unreachable', `the SSH connection to ${o.where} was lost`), 'lost'),
    );
  }

  /** Why commands cannot run on it any more (lost, stopped answering, closed), if so. */
  get failure(): MedicError | undefined {
    return this.down;
  }

  /** Bytes arrived from the host: it is alive. */
  traffic(): void {
    this.lastRx = Date.now();
  }

  /** Called once, when the link goes down (at once if it already is). */
  onDown(fn: (err: MedicError, why: DownReason) => void): void {
    if (this.down && this.downWhy) fn(this.down, this.downWhy);
    else this.listeners.push(fn);
  }

  /** Track a channel so that closing the link hangs it up first; returns the untrack function. */
  track(hangUp: () => void): () => void {
    let done: () => void = () => undefined;
    const entry: Running = { hangUp, closed: new Promise<void>((r) => (done = r)) };
    this.running.add(entry);
    return () => {
      this.running.delete(entry);
      done();
    };
  }

  /**
   * Medic stopped waiting for the host (a command ran out of time, a channel open went
   * unanswered). Ask the host something it always answers at once; when nothing at all arrives
   * within the grace period, the host stopped answering: drop the connection, so every command
   * still waiting on it fails now instead of hanging until keepalive notices.
   */
  suspect(): void {
    if (this.watching || this.down) return;
    const since = Date.now();
    this.suspectedAt = since;
    this.ping();
    this.watching = setTimeout(() => {
      this.watching = undefined;
      if (this.down || this.lastRx >= since) return;
      this.logger.warn({ host: this.host, graceMs: this.graceMs }, 'ssh connection stopped answering');
      this.fail(
        new MedicError(
          'transport.unreachable',
          `${this.host} (${this.where}) stopped answering: nothing came back within ${this.graceMs} ms after a command ran out of time`,
        ),
        'stalled',
      );
      this.cut();
    }, this.graceMs);
  }

  /**
   * Hang up every running command (the remote processes get SIGTERM), wait a moment for them
   * to end, then disconnect. A link silent since Medic last gave up on it is cut at once:
   * nothing would answer the hangups or the goodbye.
   */
  async close(): Promise<void> {
    const silent = this.suspectedAt !== undefined && this.lastRx < this.suspectedAt;
    this.fail(
      new MedicError('transport.closed', `the connection to ${this.host} was closed by Medic`),
      'closed',
    );
    if (silent) {
      this.cut();
      return;
    }
    const closing = [...this.running];
    for (const r of closing) r.hangUp();
    if (closing.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(closing.map((r) => r.closed)),
        new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
    // A polite disconnect waits for the host to close its side; a host that froze meanwhile
    // never does, and the open socket would keep Medic from exiting. Cut it after a moment.
    const cut = setTimeout(() => this.cut(), CLOSE_WAIT_MS);
    cut.unref();
    this.client.once('close', () => clearTimeout(cut));
    this.client.end();
  }

  /** Drop the connection at once, without a word to the host. */
  private cut(): void {
    this.client.destroy();
    this.socket?.destroy();
  }

  private fail(err: MedicError, why: DownReason): void {
    if (this.down) return;
    this.down = err;
    this.downWhy = why;
    if (this.watching) clearTimeout(this.watching);
    this.watching = undefined;
    this.gate.drain();
    for (const fn of this.listeners.splice(0)) fn(err, why);
  }

  /**
   * A global request that sshd answers at once without touching the host: cancelling a port
   * forward that does not exist (it replies "failure"). ssh2 has no public keepalive call.
   */
  private ping(): void {
    try {
      this.client.unforwardIn('127.0.0.1', 1, () => undefined);
    } catch {
      // not connected any more: the close handler says so
    }
  }
}
