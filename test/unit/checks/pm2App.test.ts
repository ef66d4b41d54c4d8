import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePm2List } from '../../../src/core/checks/parsePm2.js';
import { pm2App, pm2AppParams, pm2Script } from '../../../src/core/checks/pm2App.js';
import { pm2FilterJs } from '../../../src/core/checks/pm2Filter.js';
import { checkContext, execResult, fixture, runCheck } from '../../support/checkKit.js';

// Captured on a fleet host: real pm2 7 (from npm) running /srv/app/ecosystem.config.js as deploy.
// jlist-raw.json is plain `pm2 jlist`; filtered-*.json is the output of the check's own script.
const fx = (name: string) => fixture('pm2-app', name);
const run = (stdout: string, params: object = { app: 'api', user: 'deploy' }, code = 0, stderr = '') =>
  runCheck(pm2App, { jlist: execResult(stdout, { code, stderr }) }, params, {
    ...checkContext(),
    now: new Date(1795317371725),
  });

describe('pm2-app', () => {
  it('runs jlist as the owning user, filtered on the host, never starting a daemon', () => {
    const [step] = pm2App.steps(pm2AppParams.parse({ app: 'api', user: 'deploy' }), checkContext());
    expect(step?.asUser).toBe('deploy');
    expect(step?.privileged).toBeUndefined();
    const text = pm2Script(pm2AppParams.parse({ app: 'api', user: 'deploy' }));
    expect(text).toContain('rpc.sock" ] || { echo "no pm2 daemon running for $(id -un)" >&2; exit 3; }');
    expect(text).toMatch(/^pm2 jlist \| node -e '/m);
    expect(text).not.toContain('PATH=');
  });

  it('puts the directory of a pm2 path first on PATH (nvm: sudo -u resets PATH)', () => {
    const nvm = '/home/deploy/.nvm/versions/node/v20.11.0/bin/pm2';
    const lines = pm2Script(pm2AppParams.parse({ app: 'api', user: 'deploy', pm2: nvm })).split('\n');
    expect(lines[0]).toBe('PATH=/home/deploy/.nvm/versions/node/v20.11.0/bin:$PATH; export PATH');
    expect(lines[1]).toBe(
      `command -v ${nvm} >/dev/null 2>&1 || { echo "${nvm}: command not found" >&2; exit 127; }`,
    );
    expect(lines[3]).toMatch(new RegExp(`^${nvm} jlist \\| node -e '`));
    expect(pm2Script(pm2AppParams.parse({ app: 'api', user: 'deploy', pm2: '/pm2' }))).toMatch(
      /^PATH=\/:\$PATH; export PATH\n/,
    );
  });

  it('runs an nvm pm2 (#!/usr/bin/env node) with no node on the base PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-pm2-'));
    const server = createServer();
    try {
      // The nvm bin directory: node (a wrapper that leaves a mark) and pm2, a node script.
      const bin = join(dir, 'nvm', 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'node'), `#!/bin/sh\n: > ${dir}/node-used\nexec ${process.execPath} "$@"\n`);
      const jlist = fileURLToPath(new URL('../../fixtures/pm2-app/jlist-raw.json', import.meta.url));
      writeFileSync(
        join(bin, 'pm2-js'),
        `#!/usr/bin/env node\nprocess.stdout.write(require("fs").readFileSync(${JSON.stringify(jlist)}, "utf8"));\n`,
      );
      chmodSync(join(bin, 'node'), 0o755);
      chmodSync(join(bin, 'pm2-js'), 0o755);
      symlinkSync(join(bin, 'pm2-js'), join(bin, 'pm2'));
      const home = join(dir, 'pm2home');
      mkdirSync(home);
      await new Promise<void>((resolve) => server.listen(join(home, 'rpc.sock'), resolve));
      const exec = (pm2: string) =>
        spawnSync('/bin/sh', ['-c', pm2Script(pm2AppParams.parse({ app: 'api', user: 'deploy', pm2 }))], {
          env: { PATH: join(dir, 'empty'), PM2_HOME: home, HOME: dir },
          encoding: 'utf8',
        });

      const ok = exec(join(bin, 'pm2'));
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      expect(parsePm2List(ok.stdout)?.map((x) => x.name)).toEqual(['api', 'worker']);
      expect(ok.stdout).not.toContain('not-a-real-token');
      expect(existsSync(join(dir, 'node-used'))).toBe(true);
      // The same script without the PATH line: env finds no node.
      const noPath = pm2Script(pm2AppParams.parse({ app: 'api', user: 'deploy', pm2: join(bin, 'pm2') }))
        .split('\n')
        .slice(1)
        .join('\n');
      const broken = spawnSync('/bin/sh', ['-c', noPath], {
        env: { PATH: join(dir, 'empty'), PM2_HOME: home, HOME: dir },
        encoding: 'utf8',
      });
      expect(broken.status).not.toBe(0);
      expect(broken.stderr).toMatch(/node/);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the filter never echoes jlist text that is not a JSON list (it may hold secrets)', () => {
    const filter = (input: string) =>
      spawnSync(process.execPath, ['-e', pm2FilterJs.replace('LINES', '20')], { input, encoding: 'utf8' });
    for (const input of [
      'Error: DB_PASSWORD=hunter2 could not connect\n',
      '[{"name":"api","pm2_env":{"env":{"API_TOKEN":"hunter2"}}',
      '{"API_TOKEN":"hunter2"}',
      '',
    ]) {
      const r = filter(input);
      expect(r.status).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('pm2 jlist did not print a JSON list\n');
    }
    const f = run('', undefined, 3, 'pm2 jlist did not print a JSON list\n');
    expect(f).toMatchObject([
      {
        kind: 'unparseable',
        severity: 'warn',
        evidence: ['pm2 jlist did not print a JSON list'],
      },
    ]);
    expect(JSON.parse(filter(fx('jlist-raw.json')).stdout).map((x: { name: string }) => x.name)).toEqual([
      'api',
      'worker',
    ]);
  });

  it('the host-side filter leaves no environment behind', () => {
    expect(fx('jlist-raw.json')).toContain('not-a-real-token');
    for (const f of ['filtered-online-errored.json', 'filtered-stopped.json']) {
      expect(fx(f)).not.toMatch(/not-a-real|API_TOKEN|DB_PASSWORD|"env"/);
    }
  });

  it('parses raw jlist too, stripping everything but the whitelisted fields, and tolerates a banner', () => {
    const list = parsePm2List(`[PM2] Spawning PM2 daemon\n${fx('jlist-raw.json')}`);
    expect(list?.map((p) => [p.name, p.pm2_env.status])).toEqual([
      ['api', 'online'],
      ['worker', 'errored'],
    ]);
    expect(JSON.stringify(list)).not.toContain('not-a-real');
    expect(parsePm2List('not json')).toBeNull();
  });

  it('online app: ok', () => {
    const [f] = run(fx('filtered-online-errored.json'));
    expect(f).toMatchObject({
      kind: 'pm2-app',
      severity: 'ok',
      summary: 'pm2 app api is online',
      data: { status: 'online', restarts: 0 },
    });
    expect(f?.evidence[0]).toMatch(/^pm2 api \(user deploy\): status=online restarts=0 unstable_restarts=0/);
  });

  it('stopped app: critical', () => {
    expect(run(fx('filtered-stopped.json'))[0]).toMatchObject({
      severity: 'critical',
      data: { status: 'stopped' },
    });
  });

  it('errored app: critical with its error log, secrets redacted', () => {
    const [f] = run(fx('filtered-online-errored.json'), { app: 'worker', user: 'deploy' });
    expect(f).toMatchObject({ severity: 'critical', data: { status: 'errored', exitCode: 1 } });
    expect(f?.summary).toMatch(/^pm2 app worker is errored \(\d+ restarts\)$/);
    expect(f?.evidence.at(-1)).toBe(
      'worker error log: Error: connect ECONNREFUSED 127.0.0.1:5432 (database password=[redacted])',
    );
    expect(JSON.stringify(f)).not.toContain('hunter2');
  });

  it('unknown app, no daemon, no pm2', () => {
    expect(run(fx('filtered-stopped.json'), { app: 'nope', user: 'deploy' })[0]).toMatchObject({
      kind: 'pm2-app-missing',
      evidence: ['pm2 apps of deploy: api, worker'],
    });
    expect(run('', undefined, 3, fx('no-daemon.stderr.txt'))[0]).toMatchObject({
      kind: 'pm2-daemon-down',
      severity: 'critical',
    });
    expect(run('', undefined, 127, 'pm2: command not found\n')[0]?.kind).toBe('tool-missing');
  });

  it('rejects hostile parameters', () => {
    expect(pm2AppParams.safeParse({ app: 'api; rm -rf /', user: 'deploy' }).success).toBe(false);
    expect(pm2AppParams.safeParse({ app: 'api', user: 'root$(id)' }).success).toBe(false);
  });
});

describe('pm2-app found by pid', () => {
  it('finds the app one of whose processes holds the listener', () => {
    const [f] = run(fx('filtered-online-errored.json'), { pid: 116, user: 'deploy' });
    expect(f).toMatchObject({ kind: 'pm2-app', data: { app: 'api', status: 'online' } });
  });
  it('says no app holds that pid', () => {
    const [f] = run(fx('filtered-online-errored.json'), { pid: 4242, user: 'deploy' });
    expect(f).toMatchObject({ kind: 'pm2-app-missing', summary: 'pm2 of deploy has no app with pid 4242' });
  });
  it('needs an app or a pid', () => {
    expect(pm2AppParams.safeParse({ user: 'deploy' }).success).toBe(false);
  });
});
