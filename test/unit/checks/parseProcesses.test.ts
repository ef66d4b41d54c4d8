import { describe, expect, it } from 'vitest';
import { listeningSockets } from '../../../src/core/checks/listeningSockets.js';
import {
  dockerProxy,
  hostCgroupRoot,
  ownerOf,
  ownerOfCgroup,
  parseCgroups,
  parseIpAddr,
  parsePs,
} from '../../../src/core/checks/parseProcesses.js';
import { checkContext, execResult, findingOf, fixture, runCheck } from '../../support/checkKit.js';

// fleet-*: captured on a fleet host (Debian bookworm, systemd in a container on a host whose
// Docker uses the cgroupfs driver, hybrid cgroups): nginx, php-fpm, sshd, a pm2 daemon of deploy
// running api-app.js on 3000, and a unit `orders` (node on 127.0.0.1:8081 as www-data).
// docker-proxy-*: this machine's engine publishing a container's port 80 on 38099; the dockerd
// line's own arguments were rewritten to Debian's stock ones (they named a scratch folder).
const fx = (name: string) => fixture('listening-sockets', name);

describe('process table and cgroups', () => {
  const table = parsePs(fx('fleet-ps.txt'));
  const cgroups = parseCgroups(fx('fleet-cgroup.txt'));

  it('reads every process with its parent, user and command line', () => {
    expect(table.size).toBe(15);
    expect(table.get(71)).toEqual({
      pid: 71,
      ppid: 1,
      user: 'deploy',
      args: 'PM2 v7.0.4: God Daemon (/home/deploy/.pm2)',
    });
    expect(table.get(41)?.args).toBe(
      'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;',
    );
  });

  it('prefers the unified cgroup line and strips the host root of a host that is itself a container', () => {
    expect(cgroups.get(37)).toMatch(/^\/docker\/[0-9a-f]{64}\/system\.slice\/php8\.2-fpm\.service$/);
    expect(hostCgroupRoot(cgroups)).toMatch(/^\/docker\/[0-9a-f]{64}$/);
  });

  it('names the unit, pm2 daemon or nothing behind each process', () => {
    expect(ownerOf(37, table, cgroups)).toEqual({ kind: 'unit', unit: 'php8.2-fpm.service' });
    expect(ownerOf(45, table, cgroups)).toEqual({ kind: 'unit', unit: 'php8.2-fpm.service' });
    expect(ownerOf(110, table, cgroups)).toEqual({ kind: 'unit', unit: 'orders.service' });
    // api-app.js runs under the pm2 daemon of deploy, whatever cgroup pm2 was started in
    expect(ownerOf(82, table, cgroups)).toEqual({ kind: 'pm2', user: 'deploy', daemonPid: 71 });
    expect(ownerOf(9999, table, cgroups)).toEqual({ kind: 'unknown' });
  });

  it('tells containers, sessions and units apart on a plain host', () => {
    expect(
      ownerOfCgroup(
        '/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope',
        '',
      ),
    ).toEqual({
      kind: 'container',
      id: '0123456789ab',
    });
    expect(ownerOfCgroup('/user.slice/user-1000.slice/session-3.scope', '')).toEqual({ kind: 'session' });
    expect(ownerOfCgroup('/user.slice/user-1000.slice/user@1000.service/init.scope', '')).toEqual({
      kind: 'unknown',
    });
    expect(ownerOfCgroup('/system.slice/gunicorn.service', '')).toEqual({
      kind: 'unit',
      unit: 'gunicorn.service',
    });
  });

  it("reads Docker's port proxy: the published port and the container's address", () => {
    const proxy = parsePs(fx('docker-proxy-ps.txt'));
    expect(dockerProxy(proxy.get(6772)?.args ?? '')).toEqual({
      kind: 'container',
      hostPort: 38099,
      containerIp: '172.17.0.4',
      containerPort: 80,
    });
    expect(dockerProxy(proxy.get(3796)?.args ?? '')).toBeUndefined();
  });

  it("reads the host's addresses", () => {
    expect(parseIpAddr(fx('fleet-ip-addr.txt'))).toEqual(['127.0.0.1', '172.17.0.2']);
  });
});

describe('listening-sockets with owners', () => {
  it('gives every listener its process, user, command line and owner', () => {
    const findings = runCheck(
      listeningSockets,
      {
        tcp: execResult(fx('fleet-ss-ltnpH.txt')),
        unix: execResult(fx('fleet-ss-lxpH.txt')),
        ps: execResult(fx('fleet-ps.txt')),
        cgroups: execResult(fx('fleet-cgroup.txt')),
        addr: execResult(fx('fleet-ip-addr.txt')),
      },
      {},
      checkContext(),
    );
    const l = findingOf(findings, 'listening').data;
    expect(l.addresses).toEqual(['127.0.0.1', '172.17.0.2']);
    expect(l.tcp.find((t) => t.port === 3000)).toEqual({
      line: 'LISTEN 0      511    127.0.0.1:3000 0.0.0.0:* users:(("node /srv/app/a",pid=82,fd=20))',
      address: '127.0.0.1',
      port: 3000,
      process: 'node /srv/app/a',
      pid: 82,
      user: 'deploy',
      command: 'node /srv/app/api-app.js',
      owner: { kind: 'pm2', user: 'deploy', daemonPid: 71 },
    });
    expect(l.tcp.find((t) => t.port === 8081)?.owner).toEqual({ kind: 'unit', unit: 'orders.service' });
    expect(l.tcp.find((t) => t.port === 80)?.owner).toEqual({ kind: 'unit', unit: 'nginx.service' });
    expect(l.unix.find((u) => u.path === '/run/php/php8.2-fpm.sock')).toMatchObject({
      pid: 37,
      user: 'root',
      owner: { kind: 'unit', unit: 'php8.2-fpm.service' },
    });
  });

  it('keeps the listeners, without owners, when ps is missing', () => {
    const findings = runCheck(listeningSockets, {
      tcp: execResult(fx('fleet-ss-ltnpH.txt')),
      unix: execResult(fx('fleet-ss-lxpH.txt')),
      ps: execResult('', { code: 127, stderr: 'sh: 1: ps: not found' }),
      cgroups: execResult(''),
      addr: execResult('', { code: 127, stderr: 'sh: 1: ip: not found' }),
    });
    expect(findingOf(findings, 'listening').data.tcp.find((t) => t.port === 8081)).toEqual({
      line: 'LISTEN 0      511    127.0.0.1:8081 0.0.0.0:* users:(("node",pid=110,fd=18))',
      address: '127.0.0.1',
      port: 8081,
      process: 'node',
      pid: 110,
    });
    expect(findingOf(findings, 'tool-missing').data.tool).toBe('ps');
  });
});
