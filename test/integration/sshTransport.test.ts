/** The ssh2 transport against a real sshd on a fleet host. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshTransport } from '../../src/adapters/transport/sshTransport.js';
import { argv, script } from '../../src/core/command.js';
import type { HostConfig } from '../../src/core/model/inventory.js';
import { silentLogger } from '../../src/core/ports.js';
import { Fleet, type FleetHost } from '../support/fleet.js';
import { sshConfig } from '../support/sshKit.js';

const fleet = new Fleet();
let web: FleetHost;
let cfg: HostConfig;

beforeAll(async () => {
  await fleet.prepare();
  await fleet.startHost('web2'); // web1's nginx resolves web2 at start
  web = await fleet.startHost('web1');
  cfg = sshConfig(fleet, web, { maxChannels: 10 });
});
afterAll(() => fleet.stop());

const transport = (over: Partial<HostConfig> = {}) =>
  new SshTransport('web1', { ...cfg, ...over }, silentLogger);

describe('SshTransport', () => {
  it('runs many commands over one connection within the channel cap, none refused', async () => {
    const t = transport();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.exec(argv('sh', '-c', 'echo $PPID $0', String(i)), { timeoutMs: 5000 }),
      ),
    );
    await t.close();
    expect(results.every((r) => r.code === 0)).toBe(true);
    expect(results.map((r) => r.stdout.trim().split(' ')[1])).toEqual(
      Array.from({ length: 60 }, (_, i) => String(i)),
    );
    // Every command came through a single sshd connection: one "Accepted publickey" for it.
    const accepted = Number(
      await web.sh("journalctl -u ssh --no-pager -o cat | grep -c 'Accepted publickey' || true"),
    );
    expect(accepted).toBeGreaterThanOrEqual(1);
  });

  it('privileged commands run through sudo -n as root; others as the login user', async () => {
    const t = transport();
    expect((await t.exec(argv('id', '-un'), { timeoutMs: 5000 })).stdout).toBe('deploy\n');
    expect((await t.exec(argv('id', '-un'), { timeoutMs: 5000, privileged: true })).stdout).toBe('root\n');
    expect((await t.exec(argv('id', '-un'), { timeoutMs: 5000, asUser: 'www-data' })).stdout).toBe(
      'www-data\n',
    );
    await t.close();
  });

  it('sudo never prompts: without NOPASSWD it fails at once', async () => {
    await web.sh(
      'useradd -m nosudo 2>/dev/null; install -d -o nosudo -m 700 /home/nosudo/.ssh && cp /home/deploy/.ssh/authorized_keys /home/nosudo/.ssh/ && chown nosudo /home/nosudo/.ssh/authorized_keys',
    );
    const t = transport({ user: 'nosudo' });
    const r = await t.exec(argv('id'), { timeoutMs: 5000, privileged: true });
    await t.close();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sudo: a (terminal|password) is required/);
    expect(r.durationMs).toBeLessThan(4000);
  });

  it('enforces the timeout on the remote side: the process is gone afterwards', async () => {
    const t = transport();
    const r = await t.exec(script('sleep 30; echo never'), { timeoutMs: 1000 });
    expect(r.timedOut).toBe(true);
    expect(r.stdout).toBe('');
    const left = await t.exec(argv('sh', '-c', 'pgrep -xc sleep || true'), { timeoutMs: 5000 });
    await t.close();
    expect(left.stdout.trim()).toBe('0');
  });

  it('passes arguments verbatim, never through a shell', async () => {
    const t = transport();
    const hostile = "a'b; touch /tmp/pwned $(id)";
    const r = await t.exec(argv('printf', '%s', hostile), { timeoutMs: 5000 });
    await t.close();
    expect(r.stdout).toBe(hostile);
    expect(await web.sh('test -e /tmp/pwned && echo yes || echo no')).toBe('no');
  });

  it('authenticates through ssh-agent when no key file is configured', async () => {
    const sock = join(fleet.keyDir, 'agent.sock');
    const agent = execFileSync('ssh-agent', ['-a', sock], { encoding: 'utf8' });
    const pid = /SSH_AGENT_PID=(\d+)/.exec(agent)?.[1];
    try {
      execFileSync('ssh-add', [fleet.privateKeyPath], {
        env: { ...process.env, SSH_AUTH_SOCK: sock },
        stdio: 'ignore',
      });
      const { privateKeyPath: _unused, ...noKey } = cfg;
      const t = new SshTransport('web1', noKey as HostConfig, silentLogger, { SSH_AUTH_SOCK: sock });
      expect((await t.exec(argv('id', '-un'), { timeoutMs: 5000 })).stdout).toBe('deploy\n');
      await t.close();
      const none = new SshTransport('web1', noKey as HostConfig, silentLogger, {});
      await expect(none.exec(argv('id'), { timeoutMs: 5000 })).rejects.toMatchObject({
        code: 'transport.config',
      });
    } finally {
      if (pid) process.kill(Number(pid));
    }
  });

  it('a connection lost mid-command is the host being unreachable, not a result', async () => {
    const t = transport();
    const running = t.exec(argv('sleep', '20'), { timeoutMs: 30_000 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 700));
    await web.sh("pkill -KILL -f 'sshd: deplo[y]' || true"); // the session's sshd dies
    expect(await running).toMatchObject({ code: 'transport.unreachable' });
    await expect(t.exec(argv('id'), { timeoutMs: 5000 })).resolves.toMatchObject({ code: 0 }); // reconnects
    await t.close();
  });

  it('an encrypted key (no passphrase support) is a config error at once, not a hang', async () => {
    const enc = join(fleet.keyDir, 'encrypted_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret-passphrase', '-f', enc]);
    const t0 = Date.now();
    await expect(
      transport({ privateKeyPath: enc }).exec(argv('id'), { timeoutMs: 5000 }),
    ).rejects.toMatchObject({
      code: 'transport.config',
    });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('accepts a pinned fingerprint written with base64 padding', async () => {
    const t = transport({ hostKey: `${web.fingerprint}=` });
    expect((await t.exec(argv('true'), { timeoutMs: 5000 })).code).toBe(0);
    await t.close();
  });

  it('refuses a host whose key differs from the pinned fingerprint', async () => {
    const t = transport({ hostKey: 'SHA256:0000000000000000000000000000000000000000000' });
    await expect(t.exec(argv('id'), { timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'transport.hostkey',
      userMessage: expect.stringContaining(`its host key ${web.fingerprint} does not match`),
    });
  });

  it('maps refused connections and rejected keys to coded errors', async () => {
    const refused = transport({ port: 1 });
    await expect(refused.exec(argv('id'), { timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'transport.refused',
    });
    const otherKey = join(fleet.keyDir, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const auth = transport({ privateKeyPath: otherKey });
    await expect(auth.exec(argv('id'), { timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'transport.auth',
    });
    const noKey = transport({ privateKeyPath: join(fleet.keyDir, 'missing') });
    await expect(noKey.exec(argv('id'), { timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'transport.config',
    });
  });
});
