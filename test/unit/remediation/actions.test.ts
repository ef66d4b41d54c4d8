import { describe, expect, it } from 'vitest';
import type { MedicConfig } from '../../../src/config/configSchema.js';
import { crossCheck } from '../../../src/config/crossCheck.js';
import { toShell } from '../../../src/core/command.js';
import type { ContainerEngine } from '../../../src/core/ports.js';
import { propose } from '../../../src/core/remediation/actionCatalog.js';
import type { ActionContext } from '../../../src/core/remediation/actionDef.js';
import {
  createBodyLike,
  previousImage,
  recreateWithImage,
  repoOf,
} from '../../../src/core/remediation/actions/containerRollback.js';
import { previousRelease, rollbackSymlink } from '../../../src/core/remediation/actions/rollbackSymlink.js';

const ctx = (answers: Record<string, string>, ran: string[] = []): ActionContext => ({
  host: 'web1',
  exec: async (cmd) => {
    const line = toShell(cmd);
    ran.push(line);
    const out = answers[line];
    return out === undefined
      ? {
          stdout: '',
          stderr: 'No such file or directory',
          code: 1,
          signal: null,
          durationMs: 1,
          timedOut: false,
        }
      : { stdout: out, stderr: '', code: 0, signal: null, durationMs: 1, timedOut: false };
  },
  engine: () => {
    throw new Error('no engine');
  },
});

describe('rollback-symlink', () => {
  it('previous release in natural name order', () => {
    expect(previousRelease('r10', ['r9', 'r10', 'r2'])).toBe('r9');
    expect(previousRelease('20261122-1000', ['20261121-0900', '20261122-1000'])).toBe('20261121-0900');
    expect(previousRelease('r1', ['r1', 'r2'])).toBeUndefined();
    expect(previousRelease('gone', ['r1'])).toBeUndefined();
  });

  it('keeps an absolute link absolute and switches atomically', async () => {
    const p = rollbackSymlink.params.parse({
      path: '/srv/shop/current',
      reloadUnits: ['php8.2-fpm.service'],
    });
    const steps = await rollbackSymlink.plan(
      p,
      ctx({
        'readlink -- /srv/shop/current': '/srv/shop/releases/r3\n',
        "find -H /srv/shop/releases/ -mindepth 1 -maxdepth 1 -type d '!' -name '.*' -printf '%f\\n'":
          'r1\nr2\nr3\n',
      }),
    );
    expect(steps.map((s) => s.display)).toEqual([
      'sudo -- ln -sfn -- /srv/shop/releases/r2 /srv/shop/current.medic-new',
      'sudo -- mv -T -- /srv/shop/current.medic-new /srv/shop/current',
      'sudo -- systemctl reload -- php8.2-fpm.service',
    ]);
  });

  it('says clearly when there is nothing to roll back to, or the link is missing', async () => {
    const p = rollbackSymlink.params.parse({ path: '/srv/shop/current', releases: '/srv/rel' });
    await expect(
      rollbackSymlink.plan(
        p,
        ctx({
          'readlink -- /srv/shop/current': 'r1\n',
          "find -H /srv/rel/ -mindepth 1 -maxdepth 1 -type d '!' -name '.*' -printf '%f\\n'": 'r1\n',
        }),
      ),
    ).rejects.toThrow('no release before r1 in /srv/rel on web1');
    await expect(rollbackSymlink.plan(p, ctx({}))).rejects.toThrow(
      /readlink \/srv\/shop\/current failed on web1/,
    );
  });

  it('params are strict: unknown keys and relative paths are rejected', () => {
    expect(() => propose('rollback-symlink', 'web1', { path: 'current' })).toThrow(/invalid parameters/);
    expect(() => propose('rollback-symlink', 'web1', { path: '/a', rm: '-rf' })).toThrow(
      /invalid parameters/,
    );
  });
});

describe('rollback-container', () => {
  const images = [
    { Id: 'sha:v3', RepoTags: ['shop:v3'], Created: 300 },
    { Id: 'sha:v2', RepoTags: ['shop:v2', 'shop:latest'], Created: 200 },
    { Id: 'sha:v1', RepoTags: ['shop:v1'], Created: 100 },
    { Id: 'sha:other', RepoTags: ['other:v9'], Created: 250 },
  ];
  it('picks the newest older tag of the same repository', () => {
    expect(previousImage('shop:v3', 'sha:v3', images)).toBe('shop:v2');
    expect(previousImage('shop:v2', 'sha:v2', images)).toBe('shop:v1');
    expect(previousImage('shop:v1', 'sha:v1', images)).toBeUndefined();
    // The running build is no longer tagged (its tag moved on): refuse rather than guess.
    expect(previousImage('shop:v3', 'sha:gone', images)).toBeUndefined();
    expect(repoOf('registry:5000/team/shop:v2')).toBe('registry:5000/team/shop');
    expect(repoOf('shop@sha256:abc')).toBe('shop');
  });

  const inspect = {
    Id: 'abcdef123456789',
    Config: { Hostname: 'abcdef123456', Image: 'shop:v3', Cmd: ['httpd'], Env: ['A=1'] },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostPort: '38080' }] }, RestartPolicy: { Name: 'always' } },
    NetworkSettings: {
      Networks: { bridge: { Aliases: null, IPAMConfig: null, Links: null, IPAddress: '172.17.0.2' } },
    },
  };

  it('recreates with the same config from the other image, dropping the generated hostname', () => {
    expect(createBodyLike(inspect, 'shop:v2')).toEqual({
      Image: 'shop:v2',
      Cmd: ['httpd'],
      Env: ['A=1'],
      HostConfig: inspect.HostConfig,
      NetworkingConfig: { EndpointsConfig: { bridge: {} } },
    });
  });

  it('leaves out what the container inherited from the bad image, keeps what the operator set', () => {
    const running = {
      ...inspect,
      Config: {
        Image: 'shop:v3',
        Cmd: ['/bin/sh', '/boot-v3.sh'],
        Entrypoint: null,
        WorkingDir: '/app',
        Env: ['PATH=/usr/bin:/bin', 'APP_VERSION=v3', 'SHOP_MODE=prod'],
        Labels: { release: 'v3', team: 'shop' },
        ExposedPorts: { '8080/tcp': {} },
      },
      HostConfig: { Binds: ['/srv/conf:/etc/shop:ro'], RestartPolicy: { Name: 'always' } },
      Mounts: [
        { Type: 'bind', Source: '/srv/conf', Destination: '/etc/shop' },
        { Type: 'volume', Name: 'f00d', Destination: '/data' },
      ],
    };
    const image = {
      Cmd: ['/bin/sh', '/boot-v3.sh'],
      Entrypoint: null,
      WorkingDir: '/app',
      Env: ['PATH=/usr/bin:/bin', 'APP_VERSION=v3'],
      Labels: { release: 'v3' },
      ExposedPorts: { '8080/tcp': {} },
    };
    expect(createBodyLike(running, 'shop:v2', image)).toEqual({
      Image: 'shop:v2',
      Env: ['SHOP_MODE=prod'],
      Labels: { team: 'shop' },
      HostConfig: {
        Binds: ['/srv/conf:/etc/shop:ro'],
        RestartPolicy: { Name: 'always' },
        // The anonymous volume goes with the service; the bind is in Binds already.
        Mounts: [{ Type: 'volume', Source: 'f00d', Target: '/data' }],
      },
      NetworkingConfig: { EndpointsConfig: { bridge: {} } },
    });
  });

  it('puts the old container back when the new one does not start', async () => {
    const calls: string[] = [];
    const engine = {
      stop: async (id: string) => void calls.push(`stop ${id}`),
      rename: async (id: string, name: string) => void calls.push(`rename ${id} ${name}`),
      create: async (name: string) => {
        calls.push(`create ${name}`);
        return 'new1';
      },
      start: async (id: string) => {
        calls.push(`start ${id}`);
        if (id === 'new1') throw new Error('port is already allocated');
      },
      remove: async (id: string) => void calls.push(`remove ${id}`),
      update: async (id: string, body: unknown) => void calls.push(`update ${id} ${JSON.stringify(body)}`),
    } as unknown as ContainerEngine;
    await expect(recreateWithImage(engine, 'shop', inspect, 'shop:v2', 5)).rejects.toThrow(
      'port is already allocated',
    );
    expect(calls.map((c) => c.replace(/shop-medic-\d+-[0-9a-f]+/, 'shop-medic-T'))).toEqual([
      'stop abcdef123456789',
      'update abcdef123456789 {"RestartPolicy":{"Name":"no"}}',
      'rename abcdef123456789 shop-medic-T',
      'create shop',
      'start new1',
      'remove new1',
      'rename abcdef123456789 shop',
      'update abcdef123456789 {"RestartPolicy":{"Name":"always"}}',
      'start abcdef123456789',
    ]);
  });
});

describe('rollback config', () => {
  it('validates each rollback with its kind’s strict schema and the site’s hosts', () => {
    const config = {
      hosts: { web1: {} },
      sites: {
        shop: {
          hosts: ['web1'],
          rollback: [
            { kind: 'rollback-symlink', path: '/srv/shop/current', hosts: ['web9'] },
            { kind: 'rollback-commands', commands: [['deploy', 'rollback']], shell: true },
            { kind: 'restart-unit', unit: 'x' },
          ],
        },
      },
    } as unknown as MedicConfig;
    expect(crossCheck(config).map((p) => [p.path.join('.'), p.message])).toEqual([
      ['sites.shop.rollback.0.hosts.0', '"web9" is not one of the site\'s hosts'],
      ['sites.shop.rollback.1.shell', 'unknown key'],
      [
        'sites.shop.rollback.2.kind',
        'unknown rollback kind "restart-unit" (kinds: rollback-symlink, rollback-container, rollback-commands)',
      ],
    ]);
  });
});
