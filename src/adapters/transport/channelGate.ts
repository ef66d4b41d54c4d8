/** Gives a waiter its slot (a release function), or nothing when its time ran out. */
type Waiter = (release: (() => void) | undefined) => void;

/**
 * The session channels of one SSH connection: at most `limit` open at once, FIFO, each waiter
 * bounded by its own deadline. The limit starts at the configured `maxChannels` and comes down
 * to what the host really allows when sshd refuses an open (its `MaxSessions`).
 */
export class ChannelGate {
  private active = 0;
  private cap: number;
  private readonly waiting: Waiter[] = [];

  constructor(readonly configured: number) {
    this.cap = Math.max(1, configured);
  }

  /** How many channels may be open at once now. */
  get limit(): number {
    return this.cap;
  }

  /** True once a refusal taught the gate that the host allows fewer than configured. */
  get lowered(): boolean {
    return this.cap < this.configured;
  }

  /**
   * A slot, or `undefined` when `deadline` (epoch ms) passes or `signal` aborts first. The
   * release function is idempotent.
   */
  acquire(deadline: number, signal?: AbortSignal): Promise<(() => void) | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined);
    if (this.active < this.cap && this.waiting.length === 0) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const done: Waiter = (release) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        resolve(release);
      };
      const giveUp = () => {
        const i = this.waiting.indexOf(done);
        if (i >= 0) this.waiting.splice(i, 1);
        done(undefined);
      };
      const timer = setTimeout(giveUp, Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', giveUp, { once: true });
      this.waiting.push(done);
    });
  }

  /**
   * The host refused a channel while the caller held one slot: the channels open besides it are
   * all the host allows (at least one, so work goes on one at a time).
   */
  refused(): void {
    this.cap = Math.max(1, Math.min(this.cap, this.active - 1));
  }

  /** The connection went down: every waiter is answered at once (with no slot), none waits out its deadline. */
  drain(): void {
    for (const next of this.waiting.splice(0)) next(undefined);
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.pump();
    };
  }

  private pump(): void {
    while (this.active < this.cap) {
      const next = this.waiting.shift();
      if (!next) return;
      this.active++;
      next(this.releaser());
    }
  }
}
