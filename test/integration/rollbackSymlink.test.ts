/**
 * Rollback on a real host: a broken release (its PHP kills the php-fpm worker, so nginx
 * answers a real 502) is rolled back by `medic remediate` switching the release symlink to
 * the previous release; verification sees the site recover; the audit has every step.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/model/report.js';
import { Fleet, type FleetHost } from '../support/fleet.js';

const cliPath = new URL('../../src/cli.ts', import.meta.url).pathname;
const fleet = new Fleet();
let web1: FleetHost;
let config = '';

function medic(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['--import', 'tsx', cliPath, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const nginxSite = `server {
    listen 80;
    server_name release.example.com;
    root /srv/release/current/public;
    index index.php;
    location ~ \\.php$ {
        include snippets/fastcgi-php.conf;
        fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
`;

const get = async () =>
  (await web1.sh('curl -s -w " %{http_code}" -H "Host: release.example.com" http://127.0.0.1/')).trim();

beforeAll(async () => {
  await fleet.prepare();
  await fleet.startHost('web2'); // web1's nginx resolves web2 (api.conf)
  web1 = await fleet.startHost('web1');
  // Three releases owned by deploy; r3 (current) kills its php-fpm worker: a real 502.
  await web1.sh(`set -e
    for r in r1 r2 r3; do mkdir -p /srv/release/releases/$r/public; done
    echo '<?php echo "release r1\\n";' > /srv/release/releases/r1/public/index.php
    echo '<?php echo "release r2\\n";' > /srv/release/releases/r2/public/index.php
    echo '<?php posix_kill(posix_getpid(), 9);' > /srv/release/releases/r3/public/index.php
    ln -s releases/r3 /srv/release/current
    # Not releases: a link aliasing one (it sorts first), a dot-directory, a stray file.
    ln -s r3 /srv/release/releases/latest
    mkdir /srv/release/releases/.incoming
    touch /srv/release/releases/notes.txt
    chown -R deploy:deploy /srv/release
    cat > /etc/nginx/sites-enabled/release.conf <<'EOF'
${nginxSite}EOF
    nginx -t 2>/dev/null && systemctl reload nginx`);
  // The reload is asynchronous: wait until the new site answers (with its 502).
  await web1.waitFor(
    'test "$(curl -s -o /dev/null -w %{http_code} -H "Host: release.example.com" http://127.0.0.1/)" = 502',
    20_000,
  );
  config = fleet.writeConfig(`store: { path: medic.db }
hosts:
${web1.hostYaml()}
sites:
  release:
    url: http://127.0.0.1:${web1.httpPort}/
    hostHeader: release.example.com
    hosts: [web1]
    services:
      - { kind: systemd, unit: php8.2-fpm }
      - { kind: nginx }
    rollback:
      - kind: rollback-symlink
        path: /srv/release/current
        user: deploy
        reloadUnits: [php8.2-fpm.service]
remediation:
  verify: { timeoutSeconds: 30, intervalSeconds: 1 }
`);
}, 600_000);

afterAll(async () => {
  await fleet.stop();
});

describe('rollback of a release symlink on a real host', () => {
  it('the broken release gives a real 502, and the diagnosis offers the rollback', async () => {
    expect(await get()).toMatch(/ 502$/);
    const r = await medic('diagnose', '--json', '--config', config, 'release');
    const report = JSON.parse(r.stdout) as Report;
    expect(report.status).toBe('down');
    expect(report.actions.map((a) => a.id)).toContain('rollback-symlink:web1:rollback-1');
  }, 120_000);

  it('--dry-run resolves the previous release and changes nothing', async () => {
    const r = await medic('remediate', '--config', config, 'release', 'rollback', '--dry-run');
    expect(r.code).toBe(0);
    // Medic logs in as deploy, the owner of the releases: the switch runs as deploy, without sudo.
    expect(r.stdout).toContain('$ ln -sfn -- releases/r2 /srv/release/current.medic-new');
    expect(r.stdout).toContain('$ mv -T -- /srv/release/current.medic-new /srv/release/current');
    expect(r.stdout).not.toContain('sudo -u deploy');
    expect(r.stdout).toContain('sudo -- systemctl reload -- php8.2-fpm.service');
    expect((await web1.sh('readlink /srv/release/current')).trim()).toBe('releases/r3');
  }, 120_000);

  it('without --yes and without a terminal it refuses, and nothing runs', async () => {
    const r = await medic('remediate', '--config', config, 'release', 'rollback');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --yes');
    expect((await web1.sh('readlink /srv/release/current')).trim()).toBe('releases/r3');
  }, 120_000);

  it('rolls back to r2, verifies recovery, and audits each step', async () => {
    const r = await medic('remediate', '--config', config, 'release', 'rollback', '--yes');
    expect(r.stdout).toMatch(/release recovered in [\d.]+ s/);
    expect(r.code).toBe(0);
    expect((await web1.sh('readlink /srv/release/current')).trim()).toBe('releases/r2');
    expect((await web1.sh('stat -c %U /srv/release/current')).trim()).toBe('deploy');
    expect(await get()).toBe('release r2\n 200');
    const audit = await medic('audit', '--config', config, 'release', '--json');
    const entries = JSON.parse(audit.stdout) as Array<{
      event: string;
      actor: string;
      detail: { steps?: Array<{ code: number }>; recovered?: boolean };
    }>;
    expect(entries.map((e) => e.event).reverse()).toEqual(['dry-run', 'approved', 'executed', 'verified']);
    const executed = entries.find((e) => e.event === 'executed');
    expect(executed?.actor).toMatch(/^cli:/);
    expect(executed?.detail.steps?.map((s) => s.code)).toEqual([0, 0, 0]);
    expect(entries.find((e) => e.event === 'verified')?.detail.recovered).toBe(true);
  }, 120_000);

  it('rolls back again to r1; with no release before r1 it says so and runs nothing', async () => {
    expect((await medic('remediate', '--config', config, 'release', 'rollback', '--yes')).code).toBe(0);
    expect((await web1.sh('readlink /srv/release/current')).trim()).toBe('releases/r1');
    const r = await medic('remediate', '--config', config, 'release', 'rollback', '--yes');
    expect(r.stdout).toContain('no release before r1 in /srv/release/releases on web1');
    expect(r.code).toBe(1);
    expect((await web1.sh('readlink /srv/release/current')).trim()).toBe('releases/r1');
  }, 180_000);
});
