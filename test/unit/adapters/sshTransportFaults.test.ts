/** The SSH transport's state machine on a fake ssh2 client, with fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_MARGIN_MS } from '../../../src/adapters/transport/sshCommand.js';
import { SshTransport } from '../../../src/adapters/transport/sshTransport.js';
import { argv } from '../../../src/core/command.js';
import { type HostConfig, hostSchema } from '../../../src/core/model/inventory.js';
import { silentLogger } from '../../../src/core/ports.js';
import { type FakeChannel, FakeSsh } from './sshFake.js';

const cfg: HostConfig = hostSchema.parse({
  address: '10.0.0.5',
  user: 'deploy',
  hostKey: 'SHA256:thbP/5IsHL79wiMRJmxc92o6wFetMH6/neAEKYOR04I',
  sudo: true,
});
const GRACE = 2000;

let ssh: FakeSsh;
const transport = (maxChannels = 8) =>
  new SshTransport('web1', { ...cfg, maxChannels }, silentLogger, {}, ssh.options(maxChannels, GRACE));
/** Settle a promise into a value or an error, remembering when (fake time). */
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ value, at: Date.now() }),
    (error: { code?: string; userMessage?: string }) => ({ error, at: Date.now() }),
  );
interface Settled<T> {
  value?: T;
  error?: { code?: string; userMessage?: string };
  at: number;
}

beforeEach(() => {
  vi.useFakeTimers();
  ssh = new FakeSsh();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('refused channels', () => {
  it('learns the host allows one session and runs ten commands one at a time', async () => {
    ssh.maxSessions = 1;
    ssh.onRun = (ch) => setTimeout(() => ch.finish(0, undefined, 'ok\n'), 100);
    const t = transport(4);
    const all = Promise.all(Array.from({ length: 10 }, () => t.exec(argv('true'), { timeoutMs: 5000 })));
    await vi.advanceTimersByTimeAsync(3000);
    const results = await all;
    expect(results.map((r) => r.stdout)).toEqual(Array(10).fill('ok\n'));
    expect(ssh.peakOpen).toBe(1);
    // Refused only while the gate learned the limit (4 → 3 → 2 → 1), never after.
    expect(ssh.refusals).toBe(3);
    expect(ssh.link?.gate.limit).toBe(1);
  });

  it('a command still refused when its time is up is transport.channel-refused', async () => {
    ssh.maxSessions = 1;
    ssh.onRun = (ch) => setTimeout(() => ch.finish(0), 5000);
    const t = transport(4);
    const t0 = Date.now();
    const first = settle(t.exec(argv('sleep', '5'), { timeoutMs: 10_000 }));
    const second = settle(t.exec(argv('true'), { timeoutMs: 1000 }));
    await vi.advanceTimersByTimeAsync(6000);
    expect((await first).value?.code).toBe(0);
    const r = await second;
    expect(r.error?.code).toBe('transport.channel-refused');
    expect(r.error?.userMessage).toMatch(
      /refused command channels \(it allows 1 at once: sshd MaxSessions\) and none came free within 1000 ms/,
    );
    expect(r.at - t0).toBe(1000);
  });
});

describe('timeouts enforced on Medic side', () => {
  it('a command that waited for a busy channel of its own the whole budget timed out, unrefused', async () => {
    ssh.onRun = (ch) => setTimeout(() => ch.finish(0), 5000);
    const t = transport(1);
    const first = settle(t.exec(argv('sleep', '5'), { timeoutMs: 10_000 }));
    const second = settle(t.exec(argv('true'), { timeoutMs: 1000 }));
    await vi.advanceTimersByTimeAsync(6000);
    expect((await first).value?.code).toBe(0);
    expect((await second).value).toMatchObject({ timedOut: true, code: null, stdout: '' });
    expect(ssh.refusals).toBe(0);
    expect(ssh.started).toHaveLength(1);
  });

  it('a frozen host: timed out at the remote timeout plus the margin, then the connection is dropped', async () => {
    const t = transport();
    const warm = t.exec(argv('true'), { timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(10);
    expect((await warm).code).toBe(0); // connected
    ssh.alive = false; // frozen: nothing comes back any more
    const t0 = Date.now();
    const hung = settle(t.exec(argv('sleep', '60'), { timeoutMs: 2000 }));
    const other = settle(t.exec(argv('true'), { timeoutMs: 30_000 }));
    await vi.advanceTimersByTimeAsync(2000 + LOCAL_MARGIN_MS + GRACE + 10);
    const a = await hung;
    expect(a.value).toMatchObject({ timedOut: true, code: null });
    expect(a.at - t0).toBe(2000 + LOCAL_MARGIN_MS);
    expect(ssh.pings).toBeGreaterThanOrEqual(1);
    const b = await other;
    expect(b.error?.code).toBe('transport.unreachable');
    expect(b.error?.userMessage).toMatch(/stopped answering/);
    expect(b.at - t0).toBe(2000 + LOCAL_MARGIN_MS + GRACE);
    expect(ssh.destroyed).toBe(true);
    // No reconnect that would wait for the connect timeout: the host stays unreachable.
    await expect(t.exec(argv('true'), { timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'transport.unreachable',
    });
  });

  it('a live host that only ignores the hangup keeps its connection', async () => {
    ssh.obeysSignals = false;
    ssh.onRun = (ch) => {
      if (ch.line.includes('sleep')) return; // lingers after the hangup
      setTimeout(() => ch.finish(0), 1);
    };
    const t = transport();
    const r = settle(t.exec(argv('sleep', '60'), { timeoutMs: 2000 }));
    await vi.advanceTimersByTimeAsync(2000 + LOCAL_MARGIN_MS + GRACE + 10);
    expect((await r).value).toMatchObject({ timedOut: true, code: null });
    const ch = ssh.started[0] as FakeChannel;
    expect(ch.signals).toEqual(['TERM']);
    expect(ch.closeSent).toBe(true);
    expect(ssh.destroyed).toBe(false); // the ping was answered
    const next = settle(t.exec(argv('true'), { timeoutMs: 1000 }));
    await vi.advanceTimersByTimeAsync(10);
    expect((await next).value?.code).toBe(0);
  });

  it('gives the remote side the budget left after waiting for a channel', async () => {
    ssh.onRun = (ch) => setTimeout(() => ch.finish(0), 1500);
    const t = transport(1);
    void t.exec(argv('sleep', '1'), { timeoutMs: 10_000 });
    const second = t.exec(argv('true'), { timeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(3100);
    await second;
    expect(ssh.started.map((c) => /timeout -k 2 (\d+)s/.exec(c.line)?.[1])).toEqual(['10', '4']);
  });
});

describe('hanging up', () => {
  it('cancelling sends SIGTERM and rejects with transport.aborted', async () => {
    ssh.onRun = () => undefined;
    const t = transport();
    const ac = new AbortController();
    const r = settle(t.exec(argv('sleep', '300'), { timeoutMs: 600_000, signal: ac.signal }));
    await vi.advanceTimersByTimeAsync(10);
    ac.abort();
    await vi.advanceTimersByTimeAsync(10);
    expect((await r).error?.code).toBe('transport.aborted');
    expect(ssh.started[0]?.signals).toEqual(['TERM']);
    expect(ssh.open.size).toBe(0); // the process ended: its channel closed
  });

  it('closing hangs up what runs, rejects it as transport.closed, then disconnects', async () => {
    ssh.onRun = () => undefined;
    const t = transport();
    const runs = [1, 2].map(() => settle(t.exec(argv('sleep', '300'), { timeoutMs: 600_000 })));
    await vi.advanceTimersByTimeAsync(10);
    const closing = t.close();
    await vi.advanceTimersByTimeAsync(10);
    await closing;
    for (const r of await Promise.all(runs)) expect(r.error?.code).toBe('transport.closed');
    expect(ssh.started.map((c) => c.signals)).toEqual([['TERM'], ['TERM']]);
    expect(ssh.ended).toBe(true);
  });
});

describe('batches', () => {
  /** A host that runs Medic's batch script: one frame per step, each printing "ok". */
  const runsBatches = (ch: FakeChannel) => {
    const nonce = /m='?([0-9a-f]{16})/.exec(ch.line)?.[1];
    const n = Number(/n=(\d+);/.exec(ch.line)?.[1] ?? 0);
    if (!nonce) return void setTimeout(() => ch.finish(0, undefined, 'alone\n'), 1000);
    const frames = Array.from({ length: n }, (_, i) => `\n${nonce} ${i} 0 3 0 5\nok\n`).join('');
    setTimeout(() => ch.finish(0, undefined, frames), 10);
  };

  it('steps asked for while every channel is busy wait as one batch, not one channel each', async () => {
    ssh.onRun = runsBatches;
    const t = transport(1);
    const busy = t.exec(argv('sleep', '1'), { timeoutMs: 5000 });
    const steps: Promise<{ stdout: string }>[] = [];
    for (let i = 0; i < 5; i++) {
      steps.push(t.exec(argv('cat', `/etc/f${i}`), { timeoutMs: 5000, batch: true }));
      await vi.advanceTimersByTimeAsync(50); // each in a turn of its own
    }
    await vi.advanceTimersByTimeAsync(2000);
    expect((await busy).stdout).toBe('alone\n');
    expect((await Promise.all(steps)).map((r) => r.stdout)).toEqual(Array(5).fill('ok\n'));
    // The busy command and a single script for the five.
    expect(ssh.started).toHaveLength(2);
    expect(ssh.started[1]?.line).toMatch(/n=5;/);
  });

  it('a step still waiting for a channel when its budget ends timed out', async () => {
    ssh.onRun = runsBatches;
    const t = transport(1);
    const busy = settle(t.exec(argv('sleep', '9'), { timeoutMs: 9000 }));
    ssh.onRun = (ch) => setTimeout(() => ch.finish(0), 8000);
    const step = settle(t.exec(argv('cat', '/etc/f'), { timeoutMs: 1000, batch: true }));
    await vi.advanceTimersByTimeAsync(1500);
    expect((await step).value).toMatchObject({ timedOut: true, code: null });
    await vi.advanceTimersByTimeAsync(8000);
    expect((await busy).value?.code).toBe(0);
  });
});
