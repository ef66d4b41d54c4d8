import { describe, expect, it } from 'vitest';
import { parsePm2List } from '../../../src/core/checks/parsePm2.js';
import { pm2App, pm2AppParams, pm2Script } from '../../../src/core/checks/pm2App.js';
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
