/** Helpers for tests that drive an `SshTransport` straight at a fleet host's sshd. */
import { type HostConfig, hostSchema } from '../../src/core/model/inventory.js';
import type { Fleet, FleetHost } from './fleet.js';

/** How Medic logs in to the host: deploy, with sudo, host key pinned. */
export const sshConfig = (fleet: Fleet, host: FleetHost, over: Record<string, unknown> = {}): HostConfig =>
  hostSchema.parse({
    address: '127.0.0.1',
    port: host.sshPort,
    user: 'deploy',
    privateKeyPath: fleet.privateKeyPath,
    hostKey: host.fingerprint,
    sudo: true,
    ...over,
  });

/** A promise's outcome and when it came, without throwing. */
export const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value, at: Date.now() }),
    (error: unknown) => ({ error: error as { code?: string }, at: Date.now() }),
  );

/** The host's processes whose command line matches, as `pgrep -af` lists them. */
export const remoteProcesses = async (host: FleetHost, pattern: string): Promise<string> =>
  (await host.sh(`pgrep -af '${pattern}' | grep -v pgrep || true`)).trim();

/** Poll every 100 ms until `what` holds or `ms` pass; whether it held. */
export async function eventually(what: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
