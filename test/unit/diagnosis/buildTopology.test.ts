import { describe, expect, it } from 'vitest';
import { listeningSockets } from '../../../src/core/checks/listeningSockets.js';
import { nginxConfig } from '../../../src/core/checks/nginxConfig.js';
import { buildTopology } from '../../../src/core/diagnosis/topology/buildTopology.js';
import { hostSchema, siteSchema } from '../../../src/core/model/inventory.js';
import { checkContext, execResult, fixture, runCheck } from '../../support/checkKit.js';

// Captured on a fleet host web1 (Debian bookworm; its nginx serves shop, api → web2:8080 and a
// pm2 app on 3000): `nginx -T` as shipped, and after shop.conf's fastcgi_pass was pointed at
// php8.1-fpm.sock (what a PHP upgrade leaves behind) while php8.2-fpm listens on its own.
const config = (dump: string) =>
  runCheck(nginxConfig, {
    test: execResult('', { stderr: 'nginx: configuration file /etc/nginx/nginx.conf test is successful\n' }),
    dump: execResult(fixture('nginx-config', dump)),
  });
const sockets = (prefix: string, host = 'web1') =>
  runCheck(
    listeningSockets,
    Object.fromEntries(
      (['ss-ltnpH:tcp', 'ss-lxpH:unix', 'ps:ps', 'cgroup:cgroups', 'ip-addr:addr'] as const).map((x) => {
        const [file, id] = x.split(':') as [string, string];
        return [id, execResult(fixture('listening-sockets', `${prefix}-${file}.txt`))];
      }),
    ),
    {},
    checkContext({ host }),
  );
const hosts = {
  web1: hostSchema.parse({ address: '127.0.0.1', user: 'deploy', hostKey: `SHA256:${'a'.repeat(43)}` }),
  web2: hostSchema.parse({ address: '127.0.0.1', user: 'deploy', hostKey: `SHA256:${'b'.repeat(43)}` }),
};
const site = (hostHeader: string, more: object = {}) =>
  siteSchema.parse({ url: 'http://127.0.0.1:32768/', hostHeader, hosts: ['web1'], ...more });

describe('buildTopology', () => {
  it('follows shop to a php-fpm socket nobody listens on, and names the one php-fpm listens on', () => {
    const t = buildTopology({
      siteName: 'shop',
      site: site('shop.example.com'),
      hosts,
      findings: [...config('fleet-php81.dump.stdout.txt'), ...sockets('fleet-php81')],
    });
    expect(t.gateways).toEqual([
      {
        host: 'web1',
        serverNames: ['shop.example.com', 'www.shop.example.com'],
        listen: ['80'],
        at: '/etc/nginx/sites-enabled/shop.conf:2',
        errorLogs: ['/var/log/nginx/error.log'],
      },
    ]);
    expect(t.links).toHaveLength(1);
    const [link] = t.links;
    expect(link?.target).toMatchObject({
      id: 'unix:/run/php/php8.1-fpm.sock',
      gateway: 'web1',
      directive: 'fastcgi_pass',
      scheme: 'fastcgi',
      onProbePath: true,
      source: 'config',
    });
    expect(link?.ownerHost).toBe('web1');
    expect(link?.listener).toEqual({
      state: 'absent',
      alternatives: [
        expect.objectContaining({ host: 'web1', address: '/run/php/php8.2-fpm.sock', process: 'php-fpm8.2' }),
      ],
    });
    expect(link?.candidates).toEqual([
      {
        kind: 'unit',
        host: 'web1',
        unit: 'php8.1-fpm.service',
        why: 'its socket path names php8.1-fpm.service',
      },
    ]);
  });

  it('follows app to the pm2 app of deploy on 127.0.0.1:3000', () => {
    const t = buildTopology({
      siteName: 'app',
      site: site('app.example.com'),
      hosts,
      findings: [...config('fleet.dump.stdout.txt'), ...sockets('fleet')],
    });
    expect(t.links.map((l) => [l.target.id, l.listener.state, l.owner, l.process?.command])).toEqual([
      [
        '127.0.0.1:3000',
        'listening',
        { kind: 'pm2', host: 'web1', user: 'deploy', pid: 82 },
        'node /srv/app/api-app.js',
      ],
    ]);
  });

  it('follows api through its upstream group to web2, whose sockets it has not read', () => {
    const t = buildTopology({
      siteName: 'api',
      site: site('api.example.com', { hosts: ['web1', 'web2'] }),
      hosts,
      findings: [...config('fleet.dump.stdout.txt'), ...sockets('fleet')],
    });
    expect(t.links).toEqual([
      {
        target: expect.objectContaining({ id: 'web2:8080', group: 'api_backend', location: '/' }),
        ownerHost: 'web2',
        ownerHostWhy: 'the inventory host web2',
        listener: { state: 'unknown', reason: 'the listening sockets of web2 could not be read' },
        candidates: [],
      },
    ]);
  });

  it('a site no server block names falls to the default server, as nginx does', () => {
    const t = buildTopology({
      siteName: 'other',
      site: site('other.example.org'),
      hosts,
      findings: [...config('fleet.dump.stdout.txt'), ...sockets('fleet')],
    });
    expect(t.gateways.map((g) => g.serverNames)).toEqual([['shop.example.com', 'www.shop.example.com']]);
  });
});
