const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Slack allows about one message per second per channel. Calls for a channel run one after
 * another at least `intervalMs` apart; progress edits of one message are coalesced so only
 * the newest state is sent. (The WebClient itself honours 429 Retry-After.)
 */
export class ChannelThrottle {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly last = new Map<string, number>();
  private readonly latest = new Map<string, () => Promise<unknown>>();

  constructor(private readonly intervalMs = 1000) {}

  run<T>(channel: string, fn: () => Promise<T>): Promise<T> {
    const tail = this.tails.get(channel) ?? Promise.resolve();
    const result = tail.then(async () => {
      const wait = (this.last.get(channel) ?? 0) + this.intervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      this.last.set(channel, Date.now());
      return fn();
    });
    this.tails.set(
      channel,
      result.then(
        () => undefined,
        () => undefined,
      ),
    );
    return result;
  }

  /** Queue an edit of message `key`; a newer edit replaces one not yet sent. */
  update(channel: string, key: string, fn: () => Promise<unknown>): Promise<void> {
    const queued = this.latest.has(key);
    this.latest.set(key, fn);
    if (queued) return Promise.resolve();
    return this.run(channel, async () => {
      const send = this.latest.get(key);
      this.latest.delete(key);
      await send?.();
    });
  }

  /** Forget a queued edit (the final state is about to be sent directly). */
  drop(key: string): void {
    this.latest.delete(key);
  }
}
