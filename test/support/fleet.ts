/**
 * Test harness: a private Docker engine running real fleet hosts (systemd, sshd, nginx,
 * php-fpm) built from test/fleet. Uses the docker CLI; the product itself never does.
 */
import { execFile as execFileCb, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFile = promisify(execFileCb);
const fleetDir = new URL('../fleet/', import.meta.url).pathname;
/** pm2 from npm, copied into fleet hosts that run Node apps. */
export const PM2_VERSION = '7.0.4';

function fleetEnv(): Record<string, string> {
  const out = execFileSync('bash', ['-c', `. ${fleetDir}env.sh && env | grep ^MEDIC_`], { encoding: 'utf8' });
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

export class Fleet {
  readonly env: Record<string, string>;
  readonly dockerHost: string;
  readonly keyDir: string;
  readonly prefix = `medic-t${process.pid}`;
  private readonly containers: string[] = [];
  image = '';
  busybox = '';

  get pm2Dir(): string {
    return join(this.env.MEDIC_CACHE_DIR as string, `pm2-${PM2_VERSION}`);
  }

  constructor() {
    this.env = fleetEnv();
    this.dockerHost = `unix://${this.env.MEDIC_DOCKER_SOCK}`;
    this.keyDir = mkdtempSync(join(tmpdir(), 'medic-keys-'));
  }

  async docker(...args: string[]): Promise<string> {
    const { stdout } = await execFile('docker', args, {
      env: { ...process.env, DOCKER_HOST: this.dockerHost },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  }

  /** Start the engine, build the cached base and the fleet image, make the test key. */
  async prepare(): Promise<void> {
    await execFile('bash', [join(fleetDir, 'start-dockerd.sh')]);
    const base = (
      await execFile('bash', [join(fleetDir, 'build-base.sh')], { maxBuffer: 1 << 24 })
    ).stdout.trim();
    const baseTag = base.split(' ')[0] as string;
    const hash = createHash('sha256').update(baseTag);
    for (const f of readdirSync(fleetDir).sort()) hash.update(f).update(readFileSync(join(fleetDir, f)));
    this.image = `medic-fleet:${hash.digest('hex').slice(0, 12)}`;
    const have = await this.docker('images', '-q', this.image);
    if (!have) {
      await this.docker('build', '-q', '--build-arg', `BASE=${baseTag}`, '-t', this.image, fleetDir);
      // Older fleet images (from earlier versions of test/fleet) are dead weight in the cache.
      const tags = (await this.docker('images', '--format', '{{.Repository}}:{{.Tag}}', 'medic-fleet')).split(
        '\n',
      );
      const stale = tags.filter((t) => t && t !== this.image);
      if (stale.length) await this.docker('rmi', ...stale).catch(() => '');
    }
    this.busybox = (await execFile('bash', [join(fleetDir, 'build-busybox.sh')])).stdout.trim();
    if (!existsSync(join(this.pm2Dir, 'node_modules/pm2/bin/pm2'))) {
      await execFile('npm', [
        'install',
        '--no-audit',
        '--no-fund',
        '--no-save',
        '--prefix',
        this.pm2Dir,
        `pm2@${PM2_VERSION}`,
      ]);
    }
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'medic-test',
      '-f',
      join(this.keyDir, 'id_ed25519'),
    ]);
    await this.docker('network', 'create', `${this.prefix}-net`).catch(() => '');
  }

  get privateKeyPath(): string {
    return join(this.keyDir, 'id_ed25519');
  }

  /** Run one fleet host; resolves when sshd and nginx answer. */
  async startHost(
    name: string,
    opts: { tmpfs?: string[]; pm2?: boolean; dockerSocket?: boolean } = {},
  ): Promise<FleetHost> {
    const container = `${this.prefix}-${name}`;
    const args = [
      'run',
      '-d',
      '--name',
      container,
      '--hostname',
      name,
      '--network',
      `${this.prefix}-net`,
      '--network-alias',
      name,
      '--cap-add',
      'SYS_ADMIN',
      '--cap-add',
      'NET_ADMIN',
      '--cap-add',
      'SYSLOG', // root on a real host reads the kernel log (dmesg)
      '--cap-add',
      'SYS_PTRACE', // and sees every process's sockets (ss -p reads /proc/PID/fd of other users)
      '--security-opt',
      'seccomp=unconfined',
      '--cgroupns=host',
      '-v',
      '/sys/fs/cgroup:/sys/fs/cgroup:rw',
      '--tmpfs',
      '/run',
      '--tmpfs',
      '/run/lock',
      '-v',
      `${this.privateKeyPath}.pub:/home/deploy/.ssh/authorized_keys:ro`,
      '-v',
      `${this.privateKeyPath}.pub:/home/medic/.ssh/authorized_keys:ro`,
      '-p',
      '127.0.0.1::22',
      '-p',
      '127.0.0.1::80',
      // "dockerhost": the machine whose Docker engine runs the app containers (see app.conf).
      '--add-host',
      'dockerhost:host-gateway',
      ...(opts.tmpfs ?? []).flatMap((t) => ['--tmpfs', t]),
      ...(opts.dockerSocket ? ['-v', `${this.env.MEDIC_DOCKER_SOCK}:/var/run/docker.sock`] : []),
      this.image,
    ];
    await this.docker(...args);
    this.containers.push(container);
    const host = new FleetHost(this, name, container);
    await host.init();
    if (opts.pm2) {
      await this.docker('cp', this.pm2Dir, `${container}:/opt/pm2`);
      await host.sh('ln -sf /opt/pm2/node_modules/pm2/bin/pm2 /usr/local/bin/pm2');
    }
    if (opts.dockerSocket) {
      // deploy may use the engine's socket: a group with the socket's gid, as on a real host.
      await host.sh(
        'gid=$(stat -c %g /var/run/docker.sock); getent group $gid >/dev/null || groupadd -g $gid docker; usermod -aG $(getent group $gid | cut -d: -f1) deploy',
      );
    }
    return host;
  }

  async stop(): Promise<void> {
    if (this.containers.length) await this.docker('rm', '-f', ...this.containers).catch(() => '');
    await this.docker('network', 'rm', `${this.prefix}-net`).catch(() => '');
  }

  /** A YAML inventory pointing at these hosts. */
  writeConfig(yamlText: string): string {
    const path = join(this.keyDir, 'medic.yaml');
    writeFileSync(path, yamlText);
    return path;
  }
}

export class FleetHost {
  sshPort = 0;
  httpPort = 0;
  fingerprint = '';

  constructor(
    readonly fleet: Fleet,
    readonly name: string,
    readonly container: string,
  ) {}

  async init(): Promise<void> {
    const port = async (p: number) =>
      Number((await this.fleet.docker('port', this.container, `${p}/tcp`)).split(':').pop());
    this.sshPort = await port(22);
    this.httpPort = await port(80);
    // `systemctl is-active a b c` succeeds when any one is active: check each unit.
    await this.waitFor(
      'for u in ssh nginx php8.2-fpm; do systemctl is-active -q "$u" || exit 1; done',
      90_000,
    );
    const fp = await this.sh('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    this.fingerprint = fp.split(' ')[1] as string;
  }

  /**
   * Freeze the host: no process runs, the kernel still completes TCP handshakes, as on a host
   * stuck in swap or a hung hypervisor. `docker pause` first; the freezer may fail to freeze a
   * container in the middle of forks ("unable to freeze"), so try again, then stop every process
   * but init instead (sshd, nginx and the running commands: nothing answers).
   */
  async freeze(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      try {
        await this.fleet.docker('pause', this.container);
        this.frozenBy = 'pause';
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await this.fleet.docker('exec', this.container, 'kill', '-s', 'STOP', '--', '-1');
    this.frozenBy = 'sigstop';
  }

  /** Undo `freeze()` (a no-op when the host is not frozen). */
  async thaw(): Promise<void> {
    const by = this.frozenBy;
    this.frozenBy = undefined;
    if (by === 'pause') await this.fleet.docker('unpause', this.container).catch(() => '');
    if (by === 'sigstop') await this.fleet.docker('exec', this.container, 'kill', '-s', 'CONT', '--', '-1');
  }

  private frozenBy: 'pause' | 'sigstop' | undefined;

  /** Run a shell script inside the host as root. */
  async sh(script: string): Promise<string> {
    return this.fleet.docker('exec', this.container, 'sh', '-c', script);
  }

  async waitFor(script: string, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      try {
        await this.sh(script);
        return;
      } catch (err) {
        last = String(err);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${this.name}: "${script}" did not succeed in ${timeoutMs} ms: ${last}`);
  }

  /** OpenSSH's arguments to log in to this host as deploy, for floors measured against Medic. */
  sshArgs(): string[] {
    return [
      '-i',
      this.fleet.privateKeyPath,
      '-p',
      String(this.sshPort),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
      '-o',
      'BatchMode=yes',
      'deploy@127.0.0.1',
    ];
  }

  /** A one-host config: this host and the PHP "shop" site it serves (php-fpm, nginx). */
  shopConfigYaml(): string {
    return [
      'store: { path: medic.db }',
      'hosts:',
      this.hostYaml(),
      'sites:',
      '  shop:',
      `    url: http://127.0.0.1:${this.httpPort}/`,
      '    hostHeader: shop.example.com',
      '    aliases: [shop.example.com]',
      `    hosts: [${this.name}]`,
      '    services:',
      '      - { kind: systemd, unit: php8.2-fpm }',
      '      - { kind: php-fpm, unit: php8.2-fpm, socket: /run/php/php8.2-fpm.sock, log: /var/log/php8.2-fpm.log }',
      '      - { kind: nginx }',
      '',
    ].join('\n');
  }

  /** Inventory YAML for this host (user deploy, sudo, pinned key). */
  hostYaml(overrides: { hostKey?: string; connectTimeoutMs?: number; user?: string } = {}): string {
    return [
      `  ${this.name}:`,
      '    address: 127.0.0.1',
      `    port: ${this.sshPort}`,
      `    user: ${overrides.user ?? 'deploy'}`,
      `    privateKeyPath: ${this.fleet.privateKeyPath}`,
      `    hostKey: "${overrides.hostKey ?? this.fingerprint}"`,
      '    sudo: true',
      `    connectTimeoutMs: ${overrides.connectTimeoutMs ?? 4000}`,
    ].join('\n');
  }
}
