/**
 * Tear-down that runs once, on normal exit, on failure, on Ctrl-C/SIGTERM/SIGHUP and on a crash
 * (an uncaught exception): the fleet's containers (every one named with this run's prefix, also
 * one caught mid-`docker run`), its network, and whatever else was registered.
 */
import { rmSync } from 'node:fs';
import type { Fleet } from '../../test/support/fleet.js';

const steps: (() => Promise<void> | void)[] = [];
let done: Promise<void> | undefined;

export function atCleanup(step: () => Promise<void> | void): void {
  steps.push(step);
}

export function cleanup(): Promise<void> {
  done ??= (async () => {
    for (const step of steps.reverse()) {
      try {
        await step();
      } catch (err) {
        console.warn(`cleanup: ${err}`);
      }
    }
  })();
  return done;
}

/** Remove the fleet on every way out. */
export function cleanUpFleet(fleet: Fleet): void {
  atCleanup(() => rmSync(fleet.keyDir, { recursive: true, force: true }));
  atCleanup(async () => {
    const ids = (await fleet.docker('ps', '-aq', '--filter', `name=^/${fleet.prefix}-`)).split('\n');
    if (ids.some(Boolean)) await fleet.docker('rm', '-f', ...ids.filter(Boolean)).catch(() => '');
    await fleet.stop();
    console.log(`removed the fleet's containers (${fleet.prefix}-*)`);
  });
  // A terminal's Ctrl-C reaches the whole process group, and tsx relays it once more: later
  // signals must not end the process (Node's default) before the first one's clean-up is done.
  let stopping = false;
  const stop = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${why}: cleaning up ...`);
    void cleanup().finally(() => process.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal, 130));
  process.on('uncaughtException', (err) => stop(`uncaught ${err.stack ?? err}`, 1));
  // Output piped into `head` that has gone: keep going (and clean up) rather than crash.
  for (const out of [process.stdout, process.stderr]) out.on('error', () => undefined);
}
