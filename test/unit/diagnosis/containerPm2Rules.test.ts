import { describe, expect, it } from 'vitest';
import { containerFindings, dockerContainerParams } from '../../../src/core/checks/dockerContainer.js';
import { parseDockerInspect } from '../../../src/core/checks/parseDockerInspect.js';
import { pm2App } from '../../../src/core/checks/pm2App.js';
import { diagnose } from '../../../src/core/diagnosis/diagnose.js';
import type { Finding } from '../../../src/core/model/finding.js';
import { checkContext, execResult, fixture, proposalsOf, runCheck } from '../../support/checkKit.js';

const ctx = checkContext();
function container(n: string, p: object = {}): Finding[] {
  const s = parseDockerInspect(JSON.parse(fixture('docker', `inspect-${n}.json`)));
  if (!s) throw new Error(n);
  const params = dockerContainerParams.parse({ container: s.name, ...p });
  return containerFindings(s, null, [], params, ctx, new Date(Date.parse(s.startedAt) + 60_000));
}
const pm2 = (file: string, app: string) =>
  runCheck(pm2App, { jlist: execResult(fixture('pm2-app', file)) }, { app, user: 'deploy' });
const probe = <Finding>{
  check: 'http-probe',
  host: 'medic',
  kind: 'site-probe',
  severity: 'critical',
  summary: '502',
  evidence: ['GET -> 502'],
  data: {},
};
const top = (findings: Finding[]) =>
  diagnose({
    siteName: 'shop',
    site: ctx.site,
    findings: [probe, ...findings],
    siteFailing: true,
    topology: { gateways: [], links: [] },
  }).causes[0];

describe('container and pm2 rules', () => {
  it('exited container: container-down with a restart action', () => {
    expect(top(container('exited'))).toMatchObject({
      id: 'container-down',
      title: 'container fx-exited on web1 is exited (exit 3)',
      intents: [{ kind: 'restart-container', host: 'web1', params: { container: 'fx-exited' } }],
    });
  });
  it('OOMKilled with exit 137: oom-killed; kernel lines raise the confidence', () => {
    const alone = top(container('oom'));
    expect(alone?.id).toBe('oom-killed');
    const kernel = <Finding>{
      check: 'oom-kills',
      host: 'web1',
      kind: 'oom-kill',
      severity: 'critical',
      summary: 'x',
      evidence: ['Memory cgroup out of memory: Killed process 42 (dd)'],
      // The kernel names the killed task's cgroup, which holds the container's full id.
      data: {
        pid: 42,
        process: 'dd',
        cgroup: true,
        taskMemcg: `/docker/${JSON.parse(fixture('docker', 'inspect-oom.json')).Id}`,
      },
    };
    const confirmed = top([...container('oom'), kernel]);
    expect(confirmed?.id).toBe('oom-killed');
    expect(confirmed?.confidence).toBeGreaterThan(alone?.confidence ?? 1);
    expect(confirmed?.evidence).toContain('Memory cgroup out of memory: Killed process 42 (dd)');
    // A kernel kill in another container's cgroup is not evidence for this one.
    const other = <Finding>(
      (<unknown>{ ...kernel, data: { ...kernel.data, taskMemcg: '/docker/0123456789abcdef' } })
    );
    expect(top([...container('oom'), other])?.confidence).toBe(alone?.confidence);
  });
  it('exit 137 with OOMKilled=false (the flag races with the exit): the engine oom event decides', () => {
    const s = parseDockerInspect(JSON.parse(fixture('docker', 'inspect-oom.json')));
    if (!s) throw new Error('oom');
    const raced = { ...s, oomKilled: false };
    const params = dockerContainerParams.parse({ container: s.name });
    const at = new Date(Date.parse(s.startedAt) + 60_000);
    expect(top(containerFindings(raced, null, [], params, ctx, at, 1))).toMatchObject({
      id: 'oom-killed',
      title: 'container fx-oom on web1 was killed for memory (exit 137, oom event)',
    });
    expect(top(containerFindings(raced, null, [], params, ctx, at, 0))?.id).toBe('container-down');
  });

  it('restart loop: upstream-crashing', () => {
    expect(top(container('loop'))?.id).toBe('upstream-crashing');
  });
  it('failing health check: container-unhealthy', () => {
    expect(top(container('unhealthy'))?.id).toBe('container-unhealthy');
  });
  it('published port differs from the upstream: upstream-port-mismatch', () => {
    expect(top(container('web', { port: 3000 }))?.id).toBe('upstream-port-mismatch');
  });
  it('pm2 app stopped: upstream-down, restart as the app user', () => {
    const stopped = top(pm2('filtered-stopped.json', 'api'));
    expect(stopped?.id).toBe('upstream-down');
    expect(proposalsOf({ causes: stopped ? [stopped] : [] })).toEqual([
      expect.objectContaining({
        id: 'restart-pm2:web1:deploy:api',
        title: 'Restart pm2 app api (as deploy) on web1',
      }),
    ]);
  });
  it('pm2 app errored: upstream-crashing with its error log', () => {
    const c = top(pm2('filtered-online-errored.json', 'worker'));
    expect(c?.id).toBe('upstream-crashing');
    expect(c?.evidence.join('\n')).toMatch(/ECONNREFUSED 127\.0\.0\.1:5432/);
  });
});
