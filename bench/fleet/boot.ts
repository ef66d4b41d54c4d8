/**
 * Boot fleet hosts a few at a time. web1's nginx (api.conf) resolves web2 when it starts, so web2
 * boots first, alone, and always (with one host it backs the name only, outside the site).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Fleet, FleetHost } from '../../test/support/fleet.js';

const INOTIFY = '/proc/sys/fs/inotify/max_user_instances';
const INOTIFY_WANTED = 1024;

/** Each systemd host takes inotify instances; past ~20 hosts the default 128 runs out. */
export function raiseInotifyLimit(hosts: number): void {
  if (hosts <= 20) return;
  const now = Number(readFileSync(INOTIFY, 'utf8').trim());
  if (now >= INOTIFY_WANTED) {
    console.log(`fs.inotify.max_user_instances is ${now} (>= ${INOTIFY_WANTED}): left as is`);
    return;
  }
  try {
    execFileSync('sysctl', ['-w', `fs.inotify.max_user_instances=${INOTIFY_WANTED}`], { stdio: 'pipe' });
    console.log(
      `set fs.inotify.max_user_instances=${INOTIFY_WANTED} (was ${now}) for ${hosts} systemd hosts`,
    );
  } catch (err) {
    console.warn(
      `warning: could not set fs.inotify.max_user_instances=${INOTIFY_WANTED} (is ${now}); hosts past ~20 may not boot: ${String(err).split('\n')[0]}`,
    );
  }
}

export const hostName = (i: number) => `web${i + 1}`;

/** Start whichever of web1..webN are not running yet, `concurrency` at a time. */
export async function bootHosts(
  fleet: Fleet,
  running: Map<string, FleetHost>,
  n: number,
  concurrency: number,
): Promise<void> {
  const t0 = performance.now();
  const start = async (name: string) => {
    running.set(name, await fleet.startHost(name));
  };
  if (!running.has('web2')) {
    await start('web2');
    if (n < 2) console.log("  web2 runs outside the site: web1's nginx resolves it at start");
  }
  const todo = Array.from({ length: n }, (_, i) => hostName(i)).filter((h) => !running.has(h));
  const total = running.size + todo.length;
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      await start(todo[next++] as string);
      const done = running.size;
      if (done % 10 === 0 || done === total) {
        console.log(`  ${done} hosts running (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
}
