/** Work under way that shutdown waits for (before the store closes), with a deadline. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Keep `p` until it settles; returns it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    const done = () => this.running.delete(p);
    void p.then(done, done);
    return p;
  }

  get size(): number {
    return this.running.size;
  }

  /** Wait for everything under way, at most `timeoutMs`; true when it all ended in time. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.allSettled([...this.running]).then(() => true), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
