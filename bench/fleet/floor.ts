/**
 * The OpenSSH floor: one `ssh` session per host running all of that host's recorded commands at
 * once (backgrounded in one remote shell, then `wait`), every host in parallel, after the one
 * HTTP probe of the site Medic also makes.
 */
import { execFile as execFileCb } from 'node:child_process';
import { promisify } from 'node:util';
import type { FleetHost } from '../../test/support/fleet.js';

const execFile = promisify(execFileCb);

/** All of a host's commands in one remote shell, in parallel. */
export const parallelScript = (lines: string[]) =>
  `${lines.map((l) => `(${l}) >/dev/null 2>&1 &`).join(' ')} wait`;

export async function runFloor(
  gateway: FleetHost,
  hosts: FleetHost[],
  commands: Map<string, string[]>,
): Promise<void> {
  await fetch(`http://127.0.0.1:${gateway.httpPort}/`, { headers: { host: 'shop.example.com' } }).then((r) =>
    r.text(),
  );
  await Promise.all(
    hosts.map(async (h) => {
      const lines = commands.get(h.name) ?? [];
      if (!lines.length) return;
      try {
        await execFile('ssh', [...h.sshArgs(), parallelScript(lines)], { maxBuffer: 1 << 24 });
      } catch (err) {
        // `wait` returns the last job's status; only ssh's own failure (255) is one.
        if ((err as { code?: unknown }).code === 255)
          throw new Error(`floor: ssh to ${h.name} failed: ${err}`);
      }
    }),
  );
}
