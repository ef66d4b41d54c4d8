/** Timer port, so the scheduler is tested with virtual time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** setTimeout's largest delay (~24.8 days); longer waits are armed in chunks. */
export const maxTimerDelayMs = 2_147_483_647;
