/** What taking or renewing the lease found. */
export interface LeaseResult {
  /** This owner holds the lease now. */
  held: boolean;
  /** Who holds it (this owner when `held`), if anyone. */
  holder: string | undefined;
}

/**
 * Several Medic processes may share one store (the bot, and a console or a second bot on the
 * same file): only the holder of this lease runs schedules. Expiry makes a holder that died
 * lose it: the others take over once it stopped renewing.
 */
export interface SchedulerLease {
  /**
   * Take the lease for `owner` until `now + ttlMs`, or renew it. Granted when nobody holds it,
   * the holder's lease expired (by `now`), or `owner` holds it already. Atomic across processes.
   */
  acquire(owner: string, now: Date, ttlMs: number): Promise<LeaseResult>;
  /** Give it up if `owner` holds it, so another process can take over at once. */
  release(owner: string): Promise<void>;
}
