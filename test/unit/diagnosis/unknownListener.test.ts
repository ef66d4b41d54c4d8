/**
 * A backend in a crash loop, seen listening again for a moment while its process cannot be tied
 * to a unit (gone by the time ss read it, or not visible to Medic): the one unit systemd just
 * restarted is the likely owner, and its own state says it keeps restarting.
 */
import { describe, expect, it } from 'vitest';
import { systemdUnit } from '../../../src/core/checks/systemdUnit.js';
import { diagnose } from '../../../src/core/diagnosis/diagnose.js';
import { followTarget } from '../../../src/core/diagnosis/topology/followTarget.js';
import type { ServiceUnitRow } from '../../../src/core/model/facts/unit.js';
import type { Finding } from '../../../src/core/model/finding.js';
import type { SiteConfig } from '../../../src/core/model/inventory.js';
import type { PassTarget } from '../../../src/core/model/topology.js';
import { checkContext, execResult, runCheck } from '../../support/checkKit.js';

const site: SiteConfig = {
  url: 'http://crash.bad.example.com/',
  aliases: [],
  hosts: ['web1'],
  upstreams: [],
  services: [],
  playbook: '502-triage',
  rollback: [],
};
const target = <PassTarget>{
  id: '127.0.0.1:9110',
  gateway: 'web1',
  directive: 'proxy_pass',
  scheme: 'http',
  address: { kind: 'tcp', host: '127.0.0.1', port: 9110 },
  onProbePath: true,
  source: 'config',
};
const row = (unit: string, restarts?: number): ServiceUnitRow => ({
  unit,
  load: 'loaded',
  active: 'active',
  sub: 'running',
  description: '',
  enabled: false,
  ...(restarts ? { restarts, restartedSecondsAgo: 4 } : {}),
});
const follow = (suspects: ServiceUnitRow[]) =>
  followTarget(
    target,
    { host: 'web1', why: 'the gateway itself' },
    {
      suspects,
      listening: {
        tcp: [{ address: '127.0.0.1', port: 9110, line: 'LISTEN 0 511 127.0.0.1:9110 0.0.0.0:*' }],
        unix: [],
        addresses: [],
      },
    },
  );

const unitState = runCheck(
  systemdUnit,
  {
    show: execResult(
      'Result=exit-code\nNRestarts=3\nExecMainPID=912\nExecMainCode=0\nExecMainStatus=0\nId=bad@crash.service\n' +
        'LoadState=loaded\nActiveState=active\nSubState=running\nStateChangeTimestamp=\nActiveEnterTimestamp=\nInactiveEnterTimestamp=\n',
    ),
  },
  { unit: 'bad@crash' },
  checkContext({ site }),
);
const probe = <Finding>(<unknown>{
  check: 'http-probe',
  host: 'medic',
  kind: 'site-probe',
  severity: 'critical',
  summary: 'site answers 502',
  evidence: ['GET http://crash.bad.example.com/ -> 502'],
  data: { status: 502 },
});

describe('a listener whose process is not known', () => {
  it('names the one unit systemd just restarted as its likely owner', () => {
    const l = follow([row('bad@crash.service', 3), row('nginx.service')]);
    expect(l.listener.state).toBe('listening');
    expect(l.owner).toBeUndefined();
    expect(l.candidates).toEqual([expect.objectContaining({ unit: 'bad@crash.service' })]);
  });

  it('names nobody when several units were just restarted', () => {
    expect(follow([row('bad@crash.service', 3), row('other.service', 1)]).candidates).toEqual([]);
  });

  it('that unit keeps restarting: upstream-crashing, with the link said', () => {
    const link = follow([row('bad@crash.service', 3)]);
    const d = diagnose({
      siteName: 'crash',
      site: { ...site, services: [{ kind: 'systemd', unit: 'bad@crash', hosts: ['web1'] }] },
      findings: [probe, ...unitState],
      siteFailing: true,
      topology: { gateways: [], links: [link] },
    });
    expect(d.causes[0]?.id).toBe('upstream-crashing');
    expect(d.causes[0]?.evidence.join('\n')).toMatch(/bad@crash\.service alone was restarted 3×/);
  });
});
