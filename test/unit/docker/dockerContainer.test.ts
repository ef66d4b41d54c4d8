import { describe, expect, it } from 'vitest';
import {
  containerFindings,
  dockerContainer,
  dockerContainerParams,
} from '../../../src/core/checks/dockerContainer.js';
import { parseDockerInspect, parseDockerStats } from '../../../src/core/checks/parseDockerInspect.js';
import type { ContainerEngine, LogLine } from '../../../src/core/ports.js';
import { checkContext, fixture } from '../../support/checkKit.js';

// Inspect/stats JSON captured verbatim from a real engine (its data-root paths rewritten to the
// standard /var/lib/docker and /run/docker), one container per state.
const inspect = (n: string) => JSON.parse(fixture('docker', `inspect-${n}.json`)) as unknown;
const state = (n: string) => {
  const s = parseDockerInspect(inspect(n));
  if (!s) throw new Error(`fixture ${n} did not parse`);
  return s;
};
const ctx = checkContext();
// The captures were made at 03:10 on 2026-11-22; "now" is a minute later.
const now = (n: string) => new Date(Date.parse(state(n).startedAt) + 60_000);
const params = (p: object = {}) => dockerContainerParams.parse({ container: 'fx', ...p });
const find = (n: string, p: object = {}, logs: LogLine[] = []) =>
  containerFindings(state(n), null, logs, params(p), ctx, now(n));

describe('parseDockerInspect', () => {
  it('reads state, restarts, health and published ports', () => {
    expect(state('web')).toMatchObject({
      name: 'fx-web',
      status: 'running',
      running: true,
      restartCount: 0,
      health: null,
    });
    expect(state('web').ports).toEqual([
      { containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18080 },
    ]);
    expect(state('oom')).toMatchObject({ status: 'exited', exitCode: 137, oomKilled: true });
    expect(state('loop')).toMatchObject({
      status: 'restarting',
      restarting: true,
      restartCount: 6,
      restartPolicy: 'always',
    });
    expect(state('unhealthy').health).toEqual({
      status: 'unhealthy',
      failingStreak: 5,
      lastOutput: "wget: can't connect to remote host (127.0.0.1): Connection refused\nhealth endpoint down",
    });
    expect(parseDockerInspect({ message: 'No such container' })).toBeNull();
  });
  it('reads one-shot memory stats without the reclaimable cache', () => {
    const s = parseDockerStats(JSON.parse(fixture('docker', 'stats-web.json')));
    expect(s?.limit).toBe(64 * 1024 * 1024);
    expect(s?.usage).toBeGreaterThan(0);
    expect(s?.usage).toBeLessThan(s?.limit ?? 0);
  });
});

describe('containerFindings', () => {
  it('a running container is ok', () => {
    expect(find('web').map((f) => [f.kind, f.severity, f.summary])).toEqual([
      ['container-state', 'ok', 'fx-web is running'],
    ]);
  });
  it('an exited container is critical, with its own account and last log lines', () => {
    const [f] = find('exited', {}, [{ stream: 'stderr', text: 'fatal: config not found: /etc/app.yaml' }]);
    expect(f).toMatchObject({ severity: 'critical', summary: 'fx-exited is exited (exit 3)' });
    expect(f?.evidence[0]).toMatch(/^fx-exited: State=exited ExitCode=3 OOMKilled=false RestartCount=0/);
    expect(f?.evidence.at(-1)).toBe('fx-exited stderr: fatal: config not found: /etc/app.yaml');
  });
  it('OOM killed: exit 137 and OOMKilled', () => {
    expect(find('oom')[0]).toMatchObject({
      summary: 'fx-oom is exited (exit 137, OOM killed)',
      data: { oomKilled: true, exitCode: 137 },
    });
  });
  it('a restart loop is flapping', () => {
    expect(find('loop')[0]).toMatchObject({
      severity: 'critical',
      summary: 'fx-loop is restarting (restart 6)',
      data: { flapping: true },
    });
  });
  it('unhealthy shows the failing probe output', () => {
    const [f] = find('unhealthy');
    expect(f?.summary).toBe('fx-unhealthy is running but unhealthy');
    expect(f?.evidence).toContain(
      "fx-unhealthy health: unhealthy (failing streak 5): wget: can't connect to remote host (127.0.0.1): Connection refused / health endpoint down",
    );
  });
  it('flags an upstream port the container does not publish', () => {
    const f = find('web', { port: 3000 }).find((x) => x.kind === 'container-port-mismatch');
    expect(f?.summary).toBe('fx-web does not publish port 3000 (publishes 127.0.0.1:18080->8080/tcp)');
    expect(find('web', { port: 18080 }).some((x) => x.kind === 'container-port-mismatch')).toBe(false);
  });
  it('flags memory at 90% of the limit', () => {
    const f = containerFindings(
      state('web'),
      { usage: 60 * 2 ** 20, limit: 64 * 2 ** 20 },
      [],
      params(),
      ctx,
      now('web'),
    );
    expect(f.find((x) => x.kind === 'container-memory')?.summary).toBe('fx-web uses 94% of its memory limit');
  });
});

const no = async () => {
  throw new Error('not used by checks');
};
const unused = {
  restart: no,
  stop: no,
  start: no,
  rename: no,
  update: no,
  remove: no,
  create: no,
  images: no,
  inspectImage: no,
};

describe('dockerContainer check', () => {
  const engine = (names: string[]): ContainerEngine => ({
    list: async () => names.map((n) => ({ Id: `id-${n}`, Names: [`/${n}`] })),
    inspect: async () => inspect('exited'),
    logs: async () => [{ stream: 'stderr', text: 'fatal' }],
    stats: async () => ({}),
    oomEvents: async () => 0,
    ...unused,
  });
  it('needs exactly one of container or label', () => {
    expect(dockerContainerParams.safeParse({}).success).toBe(false);
    expect(dockerContainerParams.safeParse({ container: 'a', label: 'x=y' }).success).toBe(false);
    expect(dockerContainerParams.safeParse({ label: 'app=shop' }).success).toBe(true);
  });
  it('reports a missing container', async () => {
    const f = await dockerContainer.run(params({ container: 'shop-web' }), ctx, {
      containers: engine([]),
      now: new Date(),
    });
    expect(f).toEqual([
      expect.objectContaining({
        kind: 'container-missing',
        severity: 'critical',
        summary: 'no container shop-web on web1',
      }),
    ]);
  });
  it('matches names exactly (the API filter is a substring match)', async () => {
    const f = await dockerContainer.run(params({ container: 'web' }), ctx, {
      containers: engine(['web-old', 'web']),
      now: new Date(),
    });
    expect(f.filter((x) => x.kind === 'container-state')).toHaveLength(1);
  });
});

describe('docker-container selectors', () => {
  it('takes exactly one of container, label, id or publishedPort', () => {
    const ok = (p: object) => dockerContainerParams.safeParse(p).success;
    expect(ok({ id: '0123456789ab' })).toBe(true);
    expect(ok({ publishedPort: 38080 })).toBe(true);
    expect(ok({ container: 'web', id: '0123456789ab' })).toBe(false);
    expect(ok({ id: 'not-an-id' })).toBe(false);
    expect(ok({})).toBe(false);
  });
});
