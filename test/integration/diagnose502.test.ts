/**
 * End to end against real fleet hosts (systemd, sshd, nginx, php-fpm in a private Docker
 * engine): induce a real fault, run `medic diagnose --json` as a user would, assert the top
 * cause and its evidence.
 */
import { execFile } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/model/report.js';
import { Fleet, type FleetHost } from '../support/fleet.js';

const cliPath = new URL('../../src/cli.ts', import.meta.url).pathname;
const fleet = new Fleet();
let web1: FleetHost;
let web2: FleetHost;
let web3: FleetHost;
let config = '';

function medic(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['--import', 'tsx', cliPath, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function diagnose(site: string): Promise<Report & { exit: number }> {
  const r = await medic('diagnose', '--json', '--config', config, site);
  if (!r.stdout.trim().startsWith('{')) throw new Error(`no JSON (exit ${r.code}): ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Report), exit: r.code };
}

const top = (r: Report) => r.causes[0];

beforeAll(async () => {
  await fleet.prepare();
  web2 = await fleet.startHost('web2');
  web3 = await fleet.startHost('web3');
  web1 = await fleet.startHost('web1', { tmpfs: ['/srv/data:size=1m,mode=1777'] });
  await web1.sh('cp /etc/php/8.2/fpm/pool.d/www.conf /etc/php/8.2/fpm/pool.d/www.conf.orig');
  const site = (host: string) => `    url: http://127.0.0.1:${web1.httpPort}/\n    hostHeader: ${host}`;
  config = fleet.writeConfig(`
hosts:
${web1.hostYaml()}
${web2.hostYaml()}
${web3.hostYaml({ connectTimeoutMs: 3000 })}
${web1.hostYaml({ hostKey: 'SHA256:0000000000000000000000000000000000000000000' }).replace('  web1:', '  web1-badkey:')}
${web1.hostYaml({ user: 'medic' }).replace('  web1:', '  web1-least:')}
sites:
  shop:
${site('shop.example.com')}
    aliases: [shop.example.com, www.shop.example.com]
    hosts: [web1]
    services:
      - { kind: systemd, unit: php8.2-fpm }
      - { kind: php-fpm, unit: php8.2-fpm, socket: /run/php/php8.2-fpm.sock, log: /var/log/php8.2-fpm.log, statusUrl: "http://127.0.0.1/fpm-status" }
      - { kind: nginx }
  api:
${site('api.example.com')}
    aliases: [api.example.com]
    hosts: [web1, web2]
    gateway: [web1]
    upstreams:
      - { url: "http://web2:8080/", host: web2 }
    services:
      - { kind: nginx, hosts: [web1] }
      - { kind: systemd, unit: nginx, hosts: [web2] }
  blog:
${site('shop.example.com')}
    hosts: [web1, web3]
    gateway: [web1]
  pinned:
${site('shop.example.com')}
    hosts: [web1-badkey]
  least:
${site('shop.example.com')}
    hosts: [web1-least]
    services:
      - { kind: systemd, unit: php8.2-fpm }
      - { kind: php-fpm, unit: php8.2-fpm, socket: /run/php/php8.2-fpm.sock, log: /var/log/php8.2-fpm.log }
      - { kind: nginx }
`);
});

afterAll(async () => {
  await fleet.stop();
});

afterEach(async () => {
  // Back to a healthy fleet, with an empty error log: the next scenario is a fresh incident.
  await web3.thaw();
  await web1.sh(
    'pkill -x curl; rm -f /srv/data/fill /var/www/shop/slow.php;' +
      ' cp /etc/php/8.2/fpm/pool.d/www.conf.orig /etc/php/8.2/fpm/pool.d/www.conf; systemctl reset-failed php8.2-fpm;' +
      ' systemctl restart php8.2-fpm; truncate -s0 /var/log/nginx/error.log /var/log/php8.2-fpm.log',
  );
  await web2.sh('iptables -D INPUT -p tcp --dport 8080 -j DROP 2>/dev/null || true');
});

/** A user hits the site (as the people reporting the 502 did). */
const visit = (host: string) =>
  web1.sh(`curl -s -o /dev/null -w '%{http_code}' -H 'Host: ${host}' http://127.0.0.1/`);

describe('medic diagnose against real fleet hosts', () => {
  it('reports a healthy site as healthy, exit 0', async () => {
    const r = await diagnose('shop');
    // On failure, say which causes and critical findings made it unhealthy.
    expect([
      r.causes.map((c) => `${c.id}: ${c.title}`),
      r.findings.filter((f) => f.severity === 'critical').map((f) => f.summary),
    ]).toEqual([['no-fault-found: no fault found'], expect.any(Array)]);
    expect(r.exit).toBe(0);
    expect(r.status).toBe('healthy');
    expect(top(r)?.id).toBe('no-fault-found');
    expect(r.findings.find((f) => f.check === 'http-probe')?.severity).toBe('ok');
    expect(r.checks.every((c) => c.status !== 'error' && c.status !== 'skipped')).toBe(true);
  });

  it('php-fpm stopped: upstream-down with the unit state and the nginx ENOENT line', async () => {
    await web1.sh('systemctl stop php8.2-fpm');
    expect(await visit('shop.example.com')).toBe('502');
    const r = await diagnose('502 on shop.example.com');
    expect(r.exit).toBe(1);
    expect(r.status).toBe('down');
    expect(top(r)?.id).toBe('upstream-down');
    expect(top(r)?.hosts).toEqual(['web1']);
    const ev = top(r)?.evidence.join('\n') ?? '';
    expect(ev).toMatch(/php8\.2-fpm\.service: ActiveState=inactive/);
    expect(ev).toMatch(
      /connect\(\) to unix:\/run\/php\/php8\.2-fpm\.sock failed \(2: No such file or directory\)/,
    );
    expect(r.actions.map((a) => a.id)).toContain('restart-unit:web1:php8.2-fpm.service');
  });

  it('php-fpm killed and not restarted: upstream-down, killed by signal 9, nginx 111', async () => {
    await web1.sh('systemctl kill -s KILL php8.2-fpm');
    await web1.waitFor('! systemctl is-active -q php8.2-fpm', 10_000);
    expect(await visit('shop.example.com')).toBe('502');
    const r = await diagnose('shop');
    expect(top(r)?.id).toBe('upstream-down');
    expect(top(r)?.title).toMatch(/killed by signal 9/);
    const ev = top(r)?.evidence.join('\n') ?? '';
    expect(ev).toMatch(/Result=signal/);
    expect(ev).toMatch(/\(111: Connection refused\)/);
  });

  it('upstream on a second host blocked by iptables DROP: firewall-block with the rule', async () => {
    await web2.sh('iptables -A INPUT -p tcp --dport 8080 -j DROP');
    const r = await diagnose('api.example.com');
    expect(r.status).toBe('down');
    expect(top(r)?.id).toBe('firewall-block');
    expect(top(r)?.hosts).toEqual(['web2']);
    const ev = top(r)?.evidence.join('\n') ?? '';
    expect(ev).toMatch(/-A INPUT -p tcp -m tcp --dport 8080 -j DROP/);
    expect(ev).toMatch(
      /upstream timed out \(110: Connection timed out\) while connecting to upstream|web2:8080/,
    );
    expect(r.actions.find((a) => a.kind === 'firewall-open')?.risk).toBe('config');
  });

  it('pool saturated (pm.max_children reached by slow requests): upstream-saturated', async () => {
    await web1.sh(
      "sed -i 's/^pm.max_children = .*/pm.max_children = 2/; s/^pm.start_servers = .*/pm.start_servers = 1/;" +
        " s/^pm.min_spare_servers = .*/pm.min_spare_servers = 1/; s/^pm.max_spare_servers = .*/pm.max_spare_servers = 2/'" +
        " /etc/php/8.2/fpm/pool.d/www.conf && systemctl restart php8.2-fpm && printf '<?php sleep(20);' > /var/www/shop/slow.php",
    );
    await web1.sh(
      "for i in 1 2 3 4 5 6; do curl -s -o /dev/null -m 25 -H 'Host: shop.example.com' http://127.0.0.1/slow.php & done; sleep 2",
    );
    const r = await diagnose('shop');
    expect(r.status).toBe('down');
    expect(top(r)?.id).toBe('upstream-saturated');
    const ev = top(r)?.evidence.join('\n') ?? '';
    expect(ev).toMatch(/server reached pm.max_children setting \(2\)/);
    expect(
      r.findings.some(
        (f) => f.kind === 'fpm-status-timeout' || (f.kind === 'fpm-status' && f.severity === 'critical'),
      ),
    ).toBe(true);
  });

  it('disk filled to 100%: disk-full on the small mount', async () => {
    await web1.sh('dd if=/dev/zero of=/srv/data/fill bs=64k 2>/dev/null || true');
    const r = await diagnose('shop');
    expect(r.status).toBe('down');
    expect(top(r)?.id).toBe('disk-full');
    expect(top(r)?.title).toMatch(/\/srv\/data on web1 is 100% full/);
    expect(top(r)?.evidence.join('\n')).toMatch(/\/srv\/data/);
  });

  it('a host that is down (hung, no SSH banner): host-unreachable, report not held up', async () => {
    await web3.freeze();
    const t0 = Date.now();
    const r = await diagnose('blog');
    const took = Date.now() - t0;
    expect(top(r)?.id).toBe('host-unreachable');
    expect(top(r)?.hosts).toEqual(['web3']);
    expect(top(r)?.evidence.join('\n')).toMatch(/web3: .*(timed out|no answer)/);
    expect(r.checks.filter((c) => c.host === 'web3').every((c) => c.status === 'skipped')).toBe(true);
    // web1's checks all ran, untouched by the dead host.
    const web1Checks = r.checks.filter((c) => c.host === 'web1');
    expect(web1Checks.length).toBeGreaterThan(5);
    expect(web1Checks.filter((c) => c.status === 'skipped' || c.status === 'error')).toEqual([]);
    // The connect timeout is 3 s; the run is bounded by it, not by the dead host.
    expect(r.durationMs).toBeLessThan(took);
    expect(r.durationMs).toBeLessThan(3000 + 5000);
  });

  it('least privilege: sudoers allowing only the read-only commands is enough', async () => {
    await web1.sh('systemctl stop php8.2-fpm');
    await visit('shop.example.com');
    const r = await diagnose('least');
    expect(top(r)?.id).toBe('upstream-down');
    expect(top(r)?.evidence.join('\n')).toMatch(/failed \(2: No such file or directory\)/); // read with sudo tail
    const text = JSON.stringify(r.findings);
    expect(text).not.toMatch(/password is required|not allowed to execute/);
    expect(r.checks.filter((c) => c.status === 'error')).toEqual([]);
    expect(r.findings.filter((f) => f.kind === 'unparseable' || f.kind === 'firewall-unreadable')).toEqual(
      [],
    );
  });

  it('a host whose key does not match the pinned one is refused, not connected', async () => {
    const before = await web1.sh(
      "journalctl -u ssh --no-pager -o cat | grep -c 'Accepted publickey' || true",
    );
    const r = await diagnose('pinned');
    expect(top(r)?.id).toBe('host-unreachable');
    expect(top(r)?.title).toMatch(/host key does not match the pinned fingerprint/);
    expect(top(r)?.evidence.join('\n')).toMatch(/SHA256:0000000000000000000000000000000000000000000/);
    const after = await web1.sh("journalctl -u ssh --no-pager -o cat | grep -c 'Accepted publickey' || true");
    expect(after).toBe(before);
  });
});
