import { describe, expect, it } from 'vitest';
import {
  acceptsHost,
  listeningSockets,
  listeningSocketsParams,
  parseSsTcp,
  parseSsUnix,
  upstreamPorts,
} from '../../../src/core/checks/listeningSockets.js';
import { siteSchema } from '../../../src/core/model/inventory.js';
import type { ExecResult } from '../../../src/core/ports.js';
import { checkContext, dataOf, execResult, fixture, runCheck } from '../../support/checkKit.js';

// Fixtures captured on the dev machine: nginx (127.0.0.1:18081, [::1]:18081, 18443, [::]:18444
// ipv6only=off, [::]:18445), php-fpm (unix socket + 127.0.0.1:19000) and python3 bound with
// SO_BINDTODEVICE=lo (127.0.0.1%lo:18446) and a unix socket with a space in its path.
const fx = (name: string) => fixture('listening-sockets', name);
const tcpText = fx('ss-ltnpH.txt');
const unixText = fx('ss-lxpH.txt');

const ctx = (upstreams: Array<{ url: string; host?: string }> = []) =>
  checkContext({
    host: 'app1',
    site: siteSchema.parse({ url: 'https://shop.example.com/', hosts: ['web1', 'app1'], upstreams }),
  });

const run = (tcp: ExecResult, unix: ExecResult, params: unknown = {}, c = ctx()) =>
  runCheck(listeningSockets, { tcp, unix }, params, c);

describe('parseSsTcp', () => {
  it('parses every listener with address, port and the lowest-pid owner', () => {
    const s = parseSsTcp(tcpText);
    expect(s.map((x) => `${x.address}|${x.port}|${x.process ?? ''}|${x.pid ?? ''}`)).toEqual([
      '0.0.0.0|18443|nginx|30750',
      '0.0.0.0|2024||',
      '127.0.0.1|18081|nginx|30750',
      '127.0.0.1%lo|18446|python3|31046',
      '127.0.0.1|19000|php-fpm8.2|30563',
      '*|18444|nginx|30750',
      '::|18445|nginx|30750',
      '::1|18081|nginx|30750',
    ]);
    expect(s[4]?.line).toBe(
      'LISTEN 0      4096      127.0.0.1:19000 0.0.0.0:* users:(("php-fpm8.2",pid=30565,fd=6),("php-fpm8.2",pid=30563,fd=9))',
    );
  });

  it('has no owners when ss ran unprivileged and could not see other users', () => {
    const s = parseSsTcp(fx('ss-ltnpH-unprivileged.txt'));
    expect(s).toHaveLength(7);
    expect(s.find((x) => x.port === 19000)).toEqual({
      address: '127.0.0.1',
      port: 19000,
      line: 'LISTEN 0      4096   127.0.0.1:19000 0.0.0.0:*',
    });
    expect(s.find((x) => x.port === 18443)?.pid).toBe(30751);
  });

  it('skips lines that are not TCP listeners', () => {
    expect(parseSsTcp('garbage\nState Recv-Q Send-Q\n\n')).toEqual([]);
  });
});

describe('parseSsUnix', () => {
  it('parses listening unix sockets, including paths with spaces, and skips datagram sockets', () => {
    const s = parseSsUnix(unixText);
    expect(s.map((x) => [x.path, x.process, x.pid])).toEqual([
      ['/run/docker.sock', 'dockerd', 3115],
      ['/run/docker/containerd/containerd-debug.sock', 'containerd', 3129],
      ['/run/docker/containerd/containerd.sock.ttrpc', 'containerd', 3129],
      ['/run/docker/containerd/containerd.sock', 'containerd', 3129],
      ['/run/docker/metrics.sock', 'dockerd', 3115],
      ['/tmp/medic-fx-lsn/run/php8.2-fpm.sock', 'php-fpm8.2', 30563],
      ['/run/docker/libnetwork/244461c0b86f.sock', 'dockerd', 3115],
      ['/tmp/medic-fx-lsn/run/app socket.sock', 'python3', 31046],
    ]);
  });

  it('parses unix sockets without owners', () => {
    const s = parseSsUnix(fx('ss-lxpH-unprivileged.txt'));
    expect(s).toHaveLength(7);
    expect(s[5]).toEqual({
      path: '/tmp/medic-fx-lsn/run/php8.2-fpm.sock',
      line: 'u_str LISTEN 0      4096                             /tmp/medic-fx-lsn/run/php8.2-fpm.sock 33449 * 0',
    });
  });
});

describe('upstreamPorts and acceptsHost', () => {
  it('takes ports of upstreams on this host, defaulting by scheme', () => {
    const c = ctx([
      { url: 'http://10.0.0.6:8080/', host: 'app1' },
      { url: 'https://10.0.0.6/', host: 'app1' },
      { url: 'http://[fd00::6]/', host: 'app1' },
      { url: 'http://10.0.0.7:9000/', host: 'app2' },
      { url: 'http://10.0.0.8:9001/' },
    ]);
    expect(upstreamPorts(c)).toEqual([
      { port: 8080, hostname: '10.0.0.6' },
      { port: 443, hostname: '10.0.0.6' },
      { port: 80, hostname: 'fd00::6' },
    ]);
  });

  it('knows which bind addresses accept which destinations', () => {
    expect(acceptsHost('0.0.0.0', '10.0.0.6')).toBe(true);
    expect(acceptsHost('*', '10.0.0.6')).toBe(true);
    expect(acceptsHost('::', '10.0.0.6')).toBe(false);
    expect(acceptsHost('::', 'fd00::6')).toBe(true);
    expect(acceptsHost('127.0.0.1', '10.0.0.6')).toBe(false);
    expect(acceptsHost('127.0.0.1%lo', '127.0.0.1')).toBe(true);
    expect(acceptsHost('127.0.0.1', 'app.internal')).toBe(true);
  });
});

describe('listeningSockets check', () => {
  it('runs ss privileged, the process table, cgroups and addresses unprivileged; rejects hostile params', () => {
    expect(listeningSockets.steps(listeningSocketsParams.parse({}), ctx())).toEqual([
      { id: 'tcp', command: { argv: ['ss', '-ltnpH'] }, privileged: true },
      { id: 'unix', command: { argv: ['ss', '-lxpH'] }, privileged: true },
      { id: 'ps', command: { argv: ['ps', '-ww', '-eo', 'pid=,ppid=,user:32=,args='] } },
      { id: 'cgroups', command: { script: "grep -Hs -e '^0::' -e 'name=systemd' /proc/[0-9]*/cgroup" } },
      { id: 'addr', command: { argv: ['ip', '-o', 'addr', 'show'] } },
    ]);
    expect(listeningSocketsParams.safeParse({ ports: ["a'b; rm -rf /"] }).success).toBe(false);
    expect(listeningSocketsParams.safeParse({ ports: [70000] }).success).toBe(false);
    expect(listeningSocketsParams.safeParse({ port: 80 }).success).toBe(false);
  });

  it('reports all listeners in one ok finding', () => {
    const [listening, ...rest] = run(execResult(tcpText), execResult(unixText));
    expect(rest).toEqual([]);
    expect(listening).toMatchObject({
      check: 'listening-sockets',
      host: 'app1',
      kind: 'listening',
      severity: 'ok',
      summary: '8 TCP listener(s) and 8 unix socket(s)',
    });
    expect(listening?.evidence).toHaveLength(5);
    expect(listening?.evidence[0]).toBe(
      'LISTEN 0      511         0.0.0.0:18443 0.0.0.0:* users:(("nginx",pid=30751,fd=6),("nginx",pid=30750,fd=6))',
    );
    const data = listening?.data as { tcp: unknown[]; unix: unknown[] };
    expect(data.tcp[1]).toEqual({
      address: '0.0.0.0',
      port: 2024,
      line: 'LISTEN 0      128         0.0.0.0:2024  0.0.0.0:*',
    });
    expect(data.tcp[4]).toMatchObject({
      address: '127.0.0.1',
      port: 19000,
      process: 'php-fpm8.2',
      pid: 30563,
    });
    expect(data.unix[5]).toMatchObject({
      path: '/tmp/medic-fx-lsn/run/php8.2-fpm.sock',
      process: 'php-fpm8.2',
      pid: 30563,
    });
  });

  it('says which wanted ports listen and which do not', () => {
    const f = run(execResult(tcpText), execResult(unixText), { ports: [19000, 8080] });
    expect(f.slice(1)).toEqual([
      {
        check: 'listening-sockets',
        host: 'app1',
        kind: 'port-listening',
        severity: 'ok',
        summary: 'port 19000 is listening (php-fpm8.2) on 127.0.0.1',
        evidence: [
          'LISTEN 0      4096      127.0.0.1:19000 0.0.0.0:* users:(("php-fpm8.2",pid=30565,fd=6),("php-fpm8.2",pid=30563,fd=9))',
        ],
        data: { port: 19000, process: 'php-fpm8.2', address: '127.0.0.1' },
      },
      {
        check: 'listening-sockets',
        host: 'app1',
        kind: 'port-not-listening',
        severity: 'critical',
        summary: 'nothing listens on TCP port 8080',
        evidence: ['app1: no LISTEN socket on TCP port 8080 (ss -ltn)'],
        data: { port: 8080 },
      },
    ]);
  });

  it('adds the ports of upstreams served by this host and checks the bind address', () => {
    const c = ctx([
      { url: 'http://10.0.0.6:18443/', host: 'app1' },
      { url: 'http://10.0.0.6:19000/', host: 'app1' },
      { url: 'http://10.0.0.6:18445/', host: 'app1' },
      { url: 'http://127.0.0.1:18081/', host: 'app1' },
      { url: 'http://10.0.0.9:7000/', host: 'db1' },
    ]);
    const f = run(execResult(tcpText), execResult(unixText), {}, c).slice(1);
    expect(f.map((x) => [x.kind, x.severity, dataOf(x).port])).toEqual([
      ['port-listening', 'ok', 18443],
      ['port-wrong-address', 'warn', 19000],
      ['port-wrong-address', 'warn', 18445],
      ['port-listening', 'ok', 18081],
    ]);
    expect(f[1]).toMatchObject({
      summary: 'port 19000 (php-fpm8.2) listens on 127.0.0.1 only, not on 10.0.0.6 where the upstream points',
      data: {
        port: 19000,
        process: 'php-fpm8.2',
        address: '127.0.0.1',
        addresses: ['127.0.0.1'],
        upstreamHost: '10.0.0.6',
      },
    });
    // nginx listens on [::]:18445 with ipv6only=on: IPv4 clients are refused.
    expect(f[2]?.data).toMatchObject({ addresses: ['::'], upstreamHost: '10.0.0.6' });
    expect(f[3]?.evidence).toEqual([
      'LISTEN 0      511       127.0.0.1:18081 0.0.0.0:* users:(("nginx",pid=30751,fd=4),("nginx",pid=30750,fd=4))',
      'LISTEN 0      511           [::1]:18081    [::]:* users:(("nginx",pid=30751,fd=5),("nginx",pid=30750,fd=5))',
    ]);
  });

  it('reports a wanted port without a process name when ss ran unprivileged', () => {
    const f = run(execResult(fx('ss-ltnpH-unprivileged.txt')), execResult(fx('ss-lxpH-unprivileged.txt')), {
      ports: [19000],
    });
    expect(f[1]).toMatchObject({
      kind: 'port-listening',
      summary: 'port 19000 is listening on 127.0.0.1',
      data: { port: 19000, address: '127.0.0.1' },
    });
    expect(f[1]?.data).not.toHaveProperty('process');
  });

  it('treats empty output as nothing listening', () => {
    const f = run(execResult(''), execResult(''), { ports: [80] });
    expect(f.map((x) => [x.kind, x.severity, x.summary])).toEqual([
      ['listening', 'ok', '0 TCP listener(s) and 0 unix socket(s)'],
      ['port-not-listening', 'critical', 'nothing listens on TCP port 80'],
    ]);
  });

  it('reports ss missing as info, not a crash', () => {
    const stderr = fx('ss-missing.stderr.txt');
    expect(
      run(execResult('', { code: 127, stderr }), execResult('', { code: 127, stderr }), { ports: [80] }),
    ).toEqual([
      {
        check: 'listening-sockets',
        host: 'app1',
        kind: 'tool-missing',
        severity: 'info',
        summary: 'ss is not installed, cannot check listening sockets',
        evidence: ['/bin/sh: 1: ss: not found'],
        data: { tool: 'ss' },
      },
    ]);
  });

  it('reports garbage output as unparseable', () => {
    const f = run(execResult('<html>\nhello\n'), execResult(unixText), { ports: [80] });
    expect(f).toEqual([
      {
        check: 'listening-sockets',
        host: 'app1',
        kind: 'unparseable',
        severity: 'warn',
        summary: 'could not make sense of ss output, cannot check listening sockets',
        evidence: ['<html>', 'hello'],
        data: { tool: 'ss' },
      },
    ]);
  });

  it('keeps the TCP results when only the unix step fails', () => {
    const f = run(execResult(tcpText), execResult('', { code: 1, stderr: fx('sudo-password.stderr.txt') }));
    expect(f.map((x) => [x.kind, x.severity])).toEqual([
      ['listening', 'ok'],
      ['unparseable', 'warn'],
    ]);
    expect(f[1]).toMatchObject({
      summary: 'ss failed (exit 1), cannot check unix sockets',
      evidence: ['sudo: a password is required'],
    });
    expect(dataOf(f[0]).unix).toEqual([]);
  });
});
