import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { argv } from '../../../src/core/command.js';
import { StoppableTransports } from '../../../src/core/engine/stoppableTransports.js';
import type { ExecOptions, Transport, TransportFactory } from '../../../src/core/ports.js';

class FakeTransport implements Transport {
  readonly seen: ExecOptions[] = [];
  closed = 0;
  constructor(readonly host: string) {}
  private readonly hangUps: Array<() => void> = [];
  exec(_cmd: unknown, o: ExecOptions) {
    this.seen.push(o);
    // Runs until its signal aborts or the transport closes, as a real remote command hung up.
    return new Promise<never>((_, reject) => {
      o.signal?.addEventListener('abort', () => reject(new Error('transport.aborted')));
      this.hangUps.push(() => reject(new Error('transport.closed')));
    });
  }
  connection() {
    return `connection of ${this.host}`;
  }
  async close() {
    this.closed++;
    for (const h of this.hangUps.splice(0)) h();
  }
}

function factory() {
  const made: FakeTransport[] = [];
  const inner: TransportFactory = {
    open: (name) => {
      const t = new FakeTransport(name);
      made.push(t);
      return t;
    },
  };
  return { made, transports: new StoppableTransports(inner) };
}

const host = { transport: 'local' } as never;

describe('StoppableTransports', () => {
  it('stop() hangs up the commands under way, closes every open transport, and refuses new ones', async () => {
    const { made, transports } = factory();
    const a = transports.open('web1', host);
    const b = transports.open('web2', host);
    const running = a.exec(argv('sleep', '300'), { timeoutMs: 10_000 });
    const own = new AbortController();
    const alsoRunning = b.exec(argv('sleep', '300'), { timeoutMs: 10_000, signal: own.signal });
    expect(transports.size).toBe(2);
    expect(await transports.stop()).toBe(2);
    await expect(running).rejects.toMatchObject({
      code: 'transport.shutdown',
      userMessage: 'the command on web1 was ended: Medic is shutting down',
    });
    await expect(alsoRunning).rejects.toMatchObject({ code: 'transport.shutdown' });
    expect(made.map((t) => t.closed)).toEqual([1, 1]);
    await expect(a.exec(argv('true'), { timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'transport.shutdown',
    });
    expect(made[0]?.seen).toHaveLength(1); // the refused command never reached the host
  });

  it("a command's own cancel stays its own error; a closed transport is no longer tracked", async () => {
    const { made, transports } = factory();
    const t = transports.open('web1', host);
    const own = new AbortController();
    const running = t.exec(argv('sleep', '1'), { timeoutMs: 1000, signal: own.signal });
    own.abort();
    await expect(running).rejects.toThrow('transport.aborted');
    await t.close();
    expect(transports.size).toBe(0);
    expect(await transports.stop()).toBe(0);
    expect(made[0]?.closed).toBe(1);
  });

  it('everything else is the real transport: its class, its methods, its host', () => {
    const { transports } = factory();
    const t = transports.open('web1', host) as unknown as FakeTransport;
    expect(t instanceof FakeTransport).toBe(true);
    expect(t.host).toBe('web1');
    expect(t.connection()).toBe('connection of web1');
  });

  it('a batched step without a signal reaches the host without one (so it can batch) and ends when stop() closes it', async () => {
    const { made, transports } = factory();
    const t = transports.open('web1', host);
    const step = t.exec(argv('ss', '-ltn'), { timeoutMs: 10_000, batch: true });
    expect(made[0]?.seen[0]?.signal).toBeUndefined();
    await transports.stop();
    await expect(step).rejects.toMatchObject({ code: 'transport.shutdown' });
  });

  it("each command gets a signal of its own; its relay from the caller's signal goes when it ends", async () => {
    const { made, transports } = factory();
    const t = transports.open('web1', host);
    const caller = new AbortController();
    const running = Array.from({ length: 30 }, () =>
      t.exec(argv('sleep', '300'), { timeoutMs: 10_000, signal: caller.signal }).catch((e: Error) => e),
    );
    const signals = new Set(made[0]?.seen.map((o) => o.signal));
    expect(signals.size).toBe(30);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(30); // one relay each, while they run
    caller.abort();
    expect((await Promise.all(running)).every((e) => (e as Error).message === 'transport.aborted')).toBe(
      true,
    );
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});
