import type { Command } from '../command.js';
import { MedicError } from '../errors.js';
import type { HostConfig } from '../model/inventory.js';
import type { ExecOptions, ExecResult, Transport, TransportFactory } from '../ports.js';

const shutdownError = (host: string, cause?: unknown) =>
  new MedicError('transport.shutdown', `the command on ${host} was ended: Medic is shutting down`, { cause });

/**
 * Every transport Medic opens (diagnoses, actions, verification), ended together at shutdown:
 * `stop()` hangs up the commands under way (over SSH the remote process group gets SIGTERM and
 * the channel closes; a batch of read-only steps ends with its transport), a command asked for
 * afterwards fails at once instead of reconnecting, and every open transport is closed.
 */
export class StoppableTransports implements TransportFactory {
  private readonly stopping = new AbortController();
  private readonly live = new Set<Transport>();
  /** One controller per command under way with a signal: none piles listeners on a shared one. */
  private readonly underWay = new Set<AbortController>();

  constructor(private readonly inner: TransportFactory) {}

  /** Transports open right now. */
  get size(): number {
    return this.live.size;
  }

  open(name: string, host: HostConfig): Transport {
    const real = this.inner.open(name, host);
    this.live.add(real);
    const exec = async (cmd: Command, opts: ExecOptions): Promise<ExecResult> => {
      if (this.stopping.signal.aborted) throw shutdownError(name);
      // A step that may share a batch is ended by closing its transport, which `stop()` does (a
      // signal of its own would take it out of the batch); any other command by its own signal,
      // which aborts with the caller's or at shutdown.
      const own = opts.batch && !opts.signal ? undefined : new AbortController();
      const relay = () => own?.abort();
      if (own) {
        this.underWay.add(own);
        if (opts.signal?.aborted) own.abort();
        opts.signal?.addEventListener('abort', relay, { once: true });
      }
      try {
        return await real.exec(cmd, own ? { ...opts, signal: own.signal } : opts);
      } catch (err) {
        throw this.stopping.signal.aborted && !opts.signal?.aborted ? shutdownError(name, err) : err;
      } finally {
        if (own) this.underWay.delete(own);
        opts.signal?.removeEventListener('abort', relay);
      }
    };
    const close = async () => {
      this.live.delete(real);
      await real.close();
    };
    // Everything else (describe, warm, an SSH connection for the Docker socket) is the real one's,
    // and `instanceof` still sees the real class.
    return new Proxy(real, {
      get(target, prop) {
        if (prop === 'exec') return exec;
        if (prop === 'close') return close;
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** End the commands under way and close every open transport (at most `timeoutMs`); how many were open. */
  async stop(timeoutMs = 5000): Promise<number> {
    this.stopping.abort();
    for (const c of this.underWay) c.abort();
    this.underWay.clear();
    const open = [...this.live];
    this.live.clear();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled(open.map((t) => t.close())),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return open.length;
  }
}
