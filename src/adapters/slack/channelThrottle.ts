const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What goes first when a channel's calls queue up: answers, then progress posts, then edits. */
export const PRIORITY = { answer: 2, progress: 1, edit: 0 } as const;

interface Job {
  priority: number;
  run: () => Promise<void>;
}

/**
 * Slack allows about one message per second per channel. Calls for a channel run one at a time
 * at least `intervalMs` apart, highest priority first (FIFO within a priority), so a summary is
 * never stuck behind progress chatter; edits of one message are coalesced (only the newest state
 * is sent). The WebClient itself honours 429 Retry-After.
 */
export class ChannelThrottle {
  private readonly queues = new Map<string, Job[]>();
  private readonly busy = new Set<string>();
  private readonly last = new Map<string, number>();
  private readonly latest = new Map<string, () => Promise<unknown>>();

  constructor(private readonly intervalMs = 1000) {}

  run<T>(channel: string, fn: () => Promise<T>, priority: number = PRIORITY.answer): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queue = this.queues.get(channel) ?? [];
      const job: Job = { priority, run: () => fn().then(resolve, reject) };
      const at = queue.findIndex((j) => j.priority < priority);
      if (at < 0) queue.push(job);
      else queue.splice(at, 0, job);
      this.queues.set(channel, queue);
      void this.pump(channel);
    });
  }

  private async pump(channel: string): Promise<void> {
    if (this.busy.has(channel)) return;
    this.busy.add(channel);
    try {
      for (let job = this.queues.get(channel)?.shift(); job; job = this.queues.get(channel)?.shift()) {
        const wait = (this.last.get(channel) ?? 0) + this.intervalMs - Date.now();
        if (wait > 0) await sleep(wait);
        this.last.set(channel, Date.now());
        await job.run();
      }
    } finally {
      this.busy.delete(channel);
    }
  }

  /** Queue an edit of message `key`; a newer edit replaces one not yet sent. */
  update(channel: string, key: string, fn: () => Promise<unknown>): Promise<void> {
    const queued = this.latest.has(key);
    this.latest.set(key, fn);
    if (queued) return Promise.resolve();
    return this.run(
      channel,
      async () => {
        const send = this.latest.get(key);
        this.latest.delete(key);
        await send?.();
      },
      PRIORITY.edit,
    );
  }

  /** Forget a queued edit (the final state is about to be sent directly). */
  drop(key: string): void {
    this.latest.delete(key);
  }
}
