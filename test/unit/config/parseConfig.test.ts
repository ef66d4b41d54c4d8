import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/loadConfig.js';

const good = `
hosts:
  web1:
    address: 10.0.0.5
    user: deploy
    privateKeyPath: ~/.ssh/id_ed25519
    hostKey: "SHA256:thbP/5IsHL79wiMRJmxc92o6wFetMH6/neAEKYOR04I"
    sudo: true
sites:
  shop:
    url: https://shop.example.com/
    aliases: [shop.example.com, www.shop.example.com]
    hosts: [web1]
    services:
      - { kind: systemd, unit: php8.2-fpm }
      - { kind: php-fpm, unit: php8.2-fpm, socket: /run/php/php8.2-fpm.sock }
      - { kind: nginx, errorLog: /var/log/nginx/error.log }
`;

function problems(text: string) {
  try {
    parseConfig(text, 'medic.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('accepts the documented example and fills defaults', () => {
    const c = parseConfig(good, 'medic.yaml');
    expect(c.hosts.web1?.port).toBe(22);
    expect(c.hosts.web1?.transport).toBe('ssh');
    expect(c.hosts.web1?.maxChannels).toBe(8);
    expect(c.sites.shop?.playbook).toBe('502-triage');
  });

  it('reports unknown keys with their path and line, not silently', () => {
    const p = problems(good.replace('sudo: true', 'sudo: true\n    passwrd: x'));
    expect(p).toEqual([{ path: 'hosts.web1.passwrd', line: 9, message: 'unknown key' }]);
  });

  it('reports every problem at once', () => {
    const bad = good
      .replace('hostKey: "SHA256:thbP/5IsHL79wiMRJmxc92o6wFetMH6/neAEKYOR04I"', 'hostKey: "md5:xx"')
      .replace('url: https://shop.example.com/', 'url: not a url');
    const p = problems(bad);
    expect(p.map((x) => x.path).sort()).toEqual(['hosts.web1.hostKey', 'sites.shop.url']);
    expect(p.find((x) => x.path === 'hosts.web1.hostKey')?.message).toMatch(/SHA256 fingerprint/);
  });

  it('requires address, user and hostKey for ssh hosts', () => {
    const p = problems('hosts:\n  web1: { port: 22 }\nsites: {}\n');
    expect(p.map((x) => x.path).sort()).toEqual([
      'hosts.web1.address',
      'hosts.web1.hostKey',
      'hosts.web1.user',
    ]);
  });

  it('checks references between sites and hosts', () => {
    const p = problems(good.replace('hosts: [web1]', 'hosts: [web1, web9]'));
    expect(p).toEqual([
      { path: 'sites.shop.hosts[1]', line: expect.any(Number), message: 'unknown host "web9" (hosts: web1)' },
    ]);
  });

  it('validates service fields with the check schema of their kind', () => {
    const p = problems(
      good.replace(
        '{ kind: systemd, unit: php8.2-fpm }',
        '{ kind: systemd, unit: "bad unit;", restart: yes }',
      ),
    );
    expect(p.map((x) => x.path).sort()).toEqual([
      'sites.shop.services[0].restart',
      'sites.shop.services[0].unit',
    ]);
    const k = problems(good.replace('kind: nginx,', 'kind: apache,'));
    expect(k[0]?.path).toBe('sites.shop.services[2].kind');
    expect(k[0]?.message).toMatch(/unknown service kind "apache"/);
  });

  it('gives YAML syntax errors a line', () => {
    const p = problems('hosts:\n  web1: [unclosed\n');
    expect(p[0]?.line).toBeGreaterThan(0);
  });
});

describe('parseConfig with several kinds of problem', () => {
  it('reports schema problems and broken references together', () => {
    const p = problems(
      'hosts:\n  web1: { address: x, user: u, hostKey: "bad", color: red }\nsites:\n  s: { url: "http://a/", hosts: [web2] }\n',
    );
    expect(p.map((x) => `${x.line} ${x.path}`)).toEqual([
      '2 hosts.web1.hostKey',
      '2 hosts.web1.color',
      '4 sites.s.hosts[0]',
    ]);
  });
});
