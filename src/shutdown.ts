/**
 * Stopping Medic (SIGTERM, SIGINT), the same in every mode: stop taking new work, let what runs
 * finish within the drain time, then interrupt what is left (recorded, and said in its thread),
 * end the remote commands, give the last replies a moment, and close the store.
 */
import type { Logger } from './core/ports.js';

/** Work under way that shutdown waits for. */
export interface Work {
  size(): number;
  /** Wait at most `timeoutMs`; true when nothing is left. */
  drain(timeoutMs: number): Promise<boolean>;
}

export interface ShutdownParts {
  logger: Logger;
  /** Stop taking new work (chat, Slack events, schedules); each may take a while. */
  stopIntake: Array<() => unknown>;
  /** Named for the log: conversations, diagnoses, remediations. */
  work: Record<string, Work>;
  /** Interrupt the diagnoses still collecting (they are recorded); how many. */
  interrupt(): Promise<number>;
  /** Hang up every remote command and close every transport; how many were open. */
  endRemote(): Promise<number>;
  close(): Promise<void>;
}

export interface ShutdownOutcome {
  /** Everything finished within the drain time. */
  drained: boolean;
  interrupted: number;
  /** From the start of the shutdown to the store closed. */
  tookMs: number;
}

export interface ShutdownOptions {
  drainMs: number;
  /** After interrupting: time for the "interrupted" replies and audit rows to land. */
  graceMs?: number;
  /** Resolves when the drain should end now (a second signal). */
  force?: Promise<unknown> | undefined;
  now?: () => number;
}

function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((r) => {
    timer = setTimeout(r, Math.max(0, ms));
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

const sizes = (work: Record<string, Work>) =>
  Object.fromEntries(Object.entries(work).map(([name, w]) => [name, w.size()]));

/** Wait until every work is empty and `extra` settled, `until` passes or `force` resolves. */
async function settle(
  work: Work[],
  extra: Promise<unknown>,
  until: number,
  now: () => number,
  force?: Promise<unknown>,
): Promise<boolean> {
  let extraDone = false;
  void extra.then(() => {
    extraDone = true;
  });
  let forced = false;
  void force?.then(() => {
    forced = true;
  });
  for (;;) {
    await Promise.resolve();
    const busy = work.filter((w) => w.size() > 0);
    if (busy.length === 0 && extraDone) return true;
    const left = until - now();
    if (left <= 0 || forced) return false;
    const timer = delay(left);
    await Promise.race([
      Promise.all([...busy.map((w) => w.drain(left)), ...(extraDone ? [] : [extra])]),
      timer.promise,
      ...(force ? [force] : []),
    ]);
    timer.cancel();
  }
}

export async function drainAndStop(parts: ShutdownParts, o: ShutdownOptions): Promise<ShutdownOutcome> {
  const now = o.now ?? Date.now;
  const t0 = now();
  const { logger } = parts;
  const work = Object.values(parts.work);
  logger.info(
    { drainSeconds: o.drainMs / 1000, running: sizes(parts.work) },
    'stopping: no new work; waiting for what runs',
  );
  const intake = Promise.allSettled(parts.stopIntake.map((stop) => Promise.resolve().then(stop)));
  const drained = await settle(work, intake, t0 + o.drainMs, now, o.force);
  let interrupted = 0;
  if (!drained) {
    const running = sizes(parts.work);
    interrupted = await parts.interrupt();
    const transports = await parts.endRemote();
    logger.warn(
      { running, interrupted, transports, afterMs: now() - t0 },
      'drain time is up: interrupted what was left and ended its remote commands',
    );
    const grace = o.graceMs ?? 10_000;
    if (!(await settle(work, intake, now() + grace, now))) {
      logger.warn(
        { running: sizes(parts.work) },
        'stopping with work still running; its replies or audit may be missing',
      );
    }
  }
  await parts.endRemote();
  await parts.close();
  const tookMs = now() - t0;
  logger.info({ tookMs, drained, interrupted }, 'Medic stopped');
  return { drained, interrupted, tookMs };
}

/**
 * The first SIGTERM or SIGINT starts the drain; a second one cuts it short. `off` removes the
 * handlers (a command that finished gives the signals back to Node's defaults).
 */
export function watchSignals(logger: Logger): {
  first: Promise<string>;
  second: Promise<void>;
  off(): void;
} {
  let first!: (signal: string) => void;
  let second!: () => void;
  let seen = 0;
  const on = (signal: string) => {
    seen++;
    if (seen === 1) first(signal);
    else {
      logger.warn({ signal }, 'second signal: interrupting what runs now');
      second();
    }
  };
  process.on('SIGTERM', on);
  process.on('SIGINT', on);
  return {
    first: new Promise<string>((r) => {
      first = r;
    }),
    second: new Promise<void>((r) => {
      second = r;
    }),
    off: () => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
    },
  };
}
