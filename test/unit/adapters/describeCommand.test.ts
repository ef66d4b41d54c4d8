/** Previews show the sudo a host really uses: none without sudo, none for the login user. */
import { describe, expect, it } from 'vitest';
import { SshTransport } from '../../../src/adapters/transport/sshTransport.js';
import { argv } from '../../../src/core/command.js';
import { hostSchema } from '../../../src/core/model/inventory.js';
import { silentLogger } from '../../../src/core/ports.js';
import { restartPm2 } from '../../../src/core/remediation/actions/restartPm2.js';
import { restartUnit } from '../../../src/core/remediation/actions/systemdActions.js';
import { openActionContext } from '../../../src/core/remediation/executePlan.js';

const host = (extra: Record<string, unknown>) =>
  hostSchema.parse({
    address: '10.0.0.5',
    user: 'deploy',
    hostKey: 'SHA256:thbP/5IsHL79wiMRJmxc92o6wFetMH6/neAEKYOR04I',
    ...extra,
  });

describe('the commands a dry run shows are the ones the host runs', () => {
  const cmd = argv('systemctl', 'restart', '--', 'php8.2-fpm.service');

  it('over SSH: sudo only where the host uses it, and never to become the login user', () => {
    const withSudo = new SshTransport('web1', host({ sudo: true }), silentLogger);
    const asRoot = new SshTransport('web1', host({ sudo: false, user: 'root' }), silentLogger);
    expect(withSudo.describe(cmd, { privileged: true })).toBe(
      'sudo -- systemctl restart -- php8.2-fpm.service',
    );
    expect(asRoot.describe(cmd, { privileged: true })).toBe('systemctl restart -- php8.2-fpm.service');
    expect(withSudo.describe(argv('pm2', 'restart', 'api'), { asUser: 'deploy' })).toBe('pm2 restart api');
    expect(withSudo.describe(argv('pm2', 'restart', 'api'), { asUser: 'app' })).toBe(
      'sudo -u app -- pm2 restart api',
    );
  });

  it('actions planned on a host take its transport’s view', async () => {
    const inventory = {
      hosts: { web1: host({ sudo: false, user: 'root' }), web2: host({ sudo: true }) },
      sites: {},
    };
    const transports = {
      open: (name: string) => new SshTransport(name, inventory.hosts[name as 'web1'], silentLogger),
    };
    const deps = { transports, containers: { open: () => ({}) as never } };
    const web1 = openActionContext(inventory as never, 'web1', deps);
    const web2 = openActionContext(inventory as never, 'web2', deps);
    const unit = { unit: 'php8.2-fpm.service' };
    expect((await restartUnit.plan(unit, web1)).map((s) => s.display)[1]).toBe(
      'systemctl restart -- php8.2-fpm.service',
    );
    expect((await restartUnit.plan(unit, web2)).map((s) => s.display)[1]).toBe(
      'sudo -- systemctl restart -- php8.2-fpm.service',
    );
    const pm2 = { app: 'api', user: 'deploy', mode: 'restart' as const };
    expect((await restartPm2.plan(pm2, web2)).map((s) => s.display)).toEqual(['pm2 restart api']);
    await web1.close();
    await web2.close();
  });
});
