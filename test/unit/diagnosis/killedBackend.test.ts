/**
 * A backend the kernel kills for memory is often caught between deaths: systemd has restarted it,
 * so no unit list names it, and nothing listens on its port yet (or the probe just killed it again).
 * Only the kernel's kill links it to the target; its own state decides whether it is the cause.
 */
import { describe, expect, it } from 'vitest';
import { systemdUnit } from '../../../src/core/checks/systemdUnit.js';
import { diagnose } from '../../../src/core/diagnosis/diagnose.js';
import { followTarget } from '../../../src/core/diagnosis/topology/followTarget.js';
import type { Finding } from '../../../src/core/model/finding.js';
import type { SiteConfig } from '../../../src/core/model/inventory.js';
import type { PassTarget, TargetLink } from '../../../src/core/model/topology.js';
import { checkContext, execResult, runCheck } from '../../support/checkKit.js';

const site: SiteConfig = {
  url: 'http://hog.bad.example.com/',
  aliases: [],
  hosts: ['web1'],
  upstreams: [],
  services: [],
  playbook: '502-triage',
  rollback: [],
};

const kill = <Finding>(<unknown>{
  check: 'oom-kills',
  host: 'web1',
  kind: 'oom-kill',
  severity: 'critical',
  summary: 'kernel killed node (pid 812): memory cgroup full',
  evidence: [
    '2026-12-06T20:41:07+0000 web1 kernel: Memory cgroup out of memory: Killed process 812 (node) total-vm:1184976kB, anon-rss:64768kB',
  ],
  data: {
    pid: 812,
    process: 'node',
    cgroup: true,
    taskMemcg: '/system.slice/system-bad.slice/bad@hog.service',
    unit: 'bad@hog.service',
  },
});

const probe = <Finding>(<unknown>{
  check: 'http-probe',
  host: 'medic',
  kind: 'site-probe',
  severity: 'critical',
  summary: 'site answers 502',
  evidence: ['GET http://hog.bad.example.com/ -> 502'],
  data: { status: 502 },
});

const unitState = (active: string, sub: string, restarts: number) =>
  runCheck(
    systemdUnit,
    {
      show: execResult(
        [
          `Result=${active === 'inactive' ? 'success' : 'oom-kill'}`,
          `NRestarts=${restarts}`,
          'ExecMainPID=0',
          'ExecMainCode=0',
          'ExecMainStatus=0',
          'Id=bad@hog.service',
          'LoadState=loaded',
          `ActiveState=${active}`,
          `SubState=${sub}`,
          'StateChangeTimestamp=Sun 2026-12-06 20:41:07 UTC',
          'ActiveEnterTimestamp=Sun 2026-12-06 20:41:08 UTC',
          'InactiveEnterTimestamp=',
          '',
        ].join('\n'),
      ),
    },
    { unit: 'bad@hog' },
    checkContext({ site }),
  );

const link: TargetLink = {
  target: <PassTarget>{
    id: '127.0.0.1:9111',
    gateway: 'web1',
    directive: 'proxy_pass',
    scheme: 'http',
    address: { kind: 'tcp', host: '127.0.0.1', port: 9111 },
    onProbePath: true,
    source: 'config',
  },
  ownerHost: 'web1',
  ownerHostWhy: 'the gateway itself',
  listener: { state: 'absent', alternatives: [] },
  candidates: [
    { kind: 'unit', host: 'web1', unit: 'bad@hog.service', why: 'the kernel killed it', viaKill: true },
  ],
};

// Discovery adds each candidate to the site's services, as the run's second phase sees them.
const discovered: SiteConfig = { ...site, services: [{ kind: 'systemd', unit: 'bad@hog', hosts: ['web1'] }] };

const run = (findings: Finding[]) =>
  diagnose({
    siteName: 'hog',
    site: discovered,
    findings: [probe, kill, ...findings],
    siteFailing: true,
    topology: { gateways: [], links: [link] },
  });

describe('a backend only the kernel kill links to its target', () => {
  it('the topology names the killed unit as who should listen, though no unit list does', () => {
    const l = followTarget(
      link.target,
      { host: 'web1', why: 'the gateway itself' },
      { suspects: [], killedUnits: ['bad@hog.service'], listening: { tcp: [], unix: [] } as never },
    );
    expect(l.listener).toEqual({ state: 'absent', alternatives: [] });
    expect(l.candidates).toEqual([
      expect.objectContaining({ kind: 'unit', unit: 'bad@hog.service', viaKill: true }),
    ]);
  });

  it('restarted after the kill (running, restarts counted): oom-killed with the kernel line', () => {
    const d = run(unitState('active', 'running', 2));
    expect(d.causes[0]?.id).toBe('oom-killed');
    expect(d.causes[0]?.evidence.join('\n')).toMatch(/Killed process 812 \(node\)/);
  });

  it("the kernel's line leads the evidence, however many gateway error groups there are", () => {
    const group = (kind: string, call: string, n: number) => <Finding>(<unknown>{
        check: 'nginx-errors',
        host: 'web1',
        kind: 'nginx-upstream-error',
        severity: 'critical',
        summary: `${kind} ${n}`,
        evidence: [1, 2, 3].map(
          (i) =>
            `2026/12/06 20:41:0${i} [error] 14#14: *${n * 10 + i} ${call} while reading response header from upstream, client: 10.0.0.1, server: hog.bad.example.com, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:9111/", host: "hog.bad.example.com"`,
        ),
        data: {
          errorKind: kind,
          errno: null,
          upstream: 'http://127.0.0.1:9111/',
          unixSocket: null,
          upstreamHost: '127.0.0.1',
          upstreamPort: 9111,
          count: 3,
          first: '2026/12/06 20:41:01',
          last: '2026/12/06 20:41:03',
          server: 'hog.bad.example.com',
          requestHost: 'hog.bad.example.com',
          phase: 'header',
          during: 'reading response header from upstream',
          call: null,
          detail: null,
          fresh: 3,
          freshSeconds: 60,
        },
      });
    const d = run([
      ...unitState('activating', 'auto-restart', 1),
      group('recv-reset', 'recv() failed (104: Connection reset by peer)', 1),
      group('prematurely-closed', 'upstream prematurely closed connection', 2),
      group('connect-refused', 'connect() failed (111: Connection refused)', 3),
    ]);
    expect(d.causes[0]?.id).toBe('oom-killed');
    const evidence = d.causes[0]?.evidence.join('\n') ?? '';
    expect(evidence).toMatch(/Killed process 812 \(node\)/);
    expect(evidence).toMatch(/Connection reset by peer/);
  });

  it('waiting to restart (auto-restart): oom-killed', () => {
    const d = run(unitState('activating', 'auto-restart', 3));
    expect(d.causes[0]?.id).toBe('oom-killed');
  });

  it('stopped since the kill: not blamed; nothing listens, and the title does not name it', () => {
    const d = run(unitState('inactive', 'dead', 2));
    expect(d.causes[0]?.id).toBe('upstream-down');
    expect(d.causes[0]?.title).toMatch(/nothing listens on 127\.0\.0\.1:9111/);
    expect(d.causes[0]?.title).not.toMatch(/bad@hog/);
  });
});
