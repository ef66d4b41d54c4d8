/**
 * Faults of the host Medic talks to rather than of the site: a tool that never returns, and an
 * sshd that allows fewer sessions per connection than Medic opens. The site keeps answering 200.
 */
import type { FleetHost } from '../fleet.js';
import { editFile, type Fault, fault, SHOP, STATE_DIR, writeFile } from './kit.js';

/**
 * Replace `path` (default /usr/sbin/ufw, which Medic's firewall check runs) by a script that sleeps
 * an hour. Restore puts the real tool back and kills the sleepers it left.
 */
export const commandHangs = (host: FleetHost, path = '/usr/sbin/ufw'): Promise<Fault> =>
  fault(host, `${path} hangs`, { site: SHOP }, async () => {
    const pids = `${STATE_DIR}/hang.pids`;
    const restoreTool = await editFile(host, path, 'true');
    await writeFile(
      host,
      path,
      `#!/bin/sh\n# medic fault: this tool hangs\necho $$ >> ${pids}\nexec sleep 3600\n`,
      '0755',
    );
    return async () => {
      await restoreTool();
      await host.sh(`[ -e ${pids} ] && kill $(cat ${pids}) 2>/dev/null; rm -f ${pids}; true`);
    };
  });

/**
 * `MaxSessions n` (default 1) in sshd_config, sshd restarted: a connection may have only n open
 * session channels; the next one is refused while they run.
 */
export const sshMaxSessions = (host: FleetHost, n = 1): Promise<Fault> =>
  fault(host, `sshd MaxSessions ${n}`, { site: SHOP }, async () => {
    const conf = await editFile(
      host,
      '/etc/ssh/sshd_config',
      `echo 'MaxSessions ${n}' >> /etc/ssh/sshd_config`,
    );
    await host.sh('sshd -t && systemctl restart ssh');
    return async () => {
      await conf();
      await host.sh('sshd -t && systemctl restart ssh');
    };
  });
