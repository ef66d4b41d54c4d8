import type { Command } from '../command.js';
import { MedicError } from '../errors.js';
import type { HostConfig } from '../model/inventory.js';
import type { ExecOptions, ExecResult, Transport, TransportFactory } from '../ports.js';

/** A signal that aborts when either does; `done()` drops its listeners. */
function eitherSignal(a: AbortSignal | undefined, b: AbortSignal): { signal: AbortSignal; done(): void } {
  if (!a) return { signal: b, done() {} };
  const both = new AbortController();
  const abort = () => both.abort();
  if (a.aborted || b.aborted) both.abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return {
    signal: both.signal,
    done() {
      a.removeEventListener('abort', abort);
      b.removeEventListener('abort', abort);
    },
  };
}

const shutdownError = (host: string, cause?: unknown) =>
  new MedicError('transport.shutdown', `the command on ${host} was ended: Medic is shutting down`, { cause });

/**
 * Every transport Medic opens (diagnoses, actions, verification), ended together at shutdown:
 * each command carries the shutdown's signal, so `stop()` hangs up those under way (over SSH
 * the remote process group gets SIGTERM and the channel closes), a command asked for afterwards
 * fails at once instead of reconnecting, and every open transport is closed.
 */
export class StoppableTransports implements TransportFactory {
  private readonly stopping = new AbortController();
  private readonly live = new Set<Transport>();

  constructor(private readonly inner: TransportFactory) {}

  /** Transports open right now. */
  get size(): number {
    return this.live.size;
  }

  open(name: string, host: HostConfig): Transport {
    const real = this.inner.open(name, host);
    this.live.add(real);
    const stopping = this.stopping.signal;
    const exec = async (cmd: Command, opts: ExecOptions): Promise<ExecResult> => {
      if (stopping.aborted) throw shutdownError(name);
      const { signal, done } = eitherSignal(opts.signal, stopping);
      try {
        return await real.exec(cmd, { ...opts, signal });
      } catch (err) {
        throw stopping.aborted && !opts.signal?.aborted ? shutdownError(name, err) : err;
      } finally {
        done();
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
