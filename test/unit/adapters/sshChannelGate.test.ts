import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelGate } from '../../../src/adapters/transport/channelGate.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ChannelGate', () => {
  it('hands slots out first come, first served, up to its limit', async () => {
    const gate = new ChannelGate(2);
    const order: number[] = [];
    const a = await gate.acquire(Date.now() + 1000);
    const b = await gate.acquire(Date.now() + 1000);
    const waiting = [3, 4].map(async (n) => {
      const release = await gate.acquire(Date.now() + 1000);
      order.push(n);
      return release;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([]);
    b?.();
    b?.(); // idempotent: frees one slot, not two
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([3]);
    a?.();
    await Promise.all(waiting);
    expect(order).toEqual([3, 4]);
  });

  it('gives up at the deadline or on abort, and the queue moves on', async () => {
    const gate = new ChannelGate(1);
    const held = await gate.acquire(Date.now() + 10_000);
    const late = gate.acquire(Date.now() + 500);
    const ac = new AbortController();
    const cancelled = gate.acquire(Date.now() + 10_000, ac.signal);
    const next = gate.acquire(Date.now() + 10_000);
    await vi.advanceTimersByTimeAsync(500);
    expect(await late).toBeUndefined();
    ac.abort();
    expect(await cancelled).toBeUndefined();
    held?.();
    expect(typeof (await next)).toBe('function');
  });

  it('a refusal lowers the limit to the channels open besides the refused one, never below one', async () => {
    const gate = new ChannelGate(8);
    const slots = await Promise.all([1, 2, 3].map(() => gate.acquire(Date.now() + 1000)));
    gate.refused(); // 3 held, the third was refused: the host allows 2
    expect(gate.limit).toBe(2);
    expect(gate.lowered).toBe(true);
    for (const s of slots) s?.();
    const one = await gate.acquire(Date.now() + 1000);
    gate.refused(); // refused with nothing else open: still one at a time
    expect(gate.limit).toBe(1);
    one?.();
  });

  it('drained when the connection goes down: every waiter is answered at once, with no slot', async () => {
    const gate = new ChannelGate(1);
    const held = await gate.acquire(Date.now() + 10_000);
    const waiting = [gate.acquire(Date.now() + 10_000), gate.acquire(Date.now() + 10_000)];
    let answered = 0;
    for (const w of waiting) void w.then(() => answered++);
    await vi.advanceTimersByTimeAsync(1);
    expect(answered).toBe(0);
    gate.drain();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
    expect(vi.getTimerCount()).toBe(0);
    held?.();
  });
});
