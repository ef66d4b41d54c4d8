/**
 * Lines about a path that works now: logged before its backend (re)started they are the outage
 * that start ended (history, not a flap); logged after it, the backend flaps.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/core/diagnosis/diagnose.js';
import type { Finding } from '../../../src/core/model/finding.js';
import { siteSchema } from '../../../src/core/model/inventory.js';
import type { SiteTopology } from '../../../src/core/model/topology.js';
import { fakeFinding } from '../../support/checkKit.js';

const site = siteSchema.parse({ url: 'http://shop.example.com/', hosts: ['web1'] });
const sock = '/run/php/php8.2-fpm.sock';
const topology: SiteTopology = {
  gateways: [{ host: 'web1', serverNames: ['shop.example.com'], listen: ['80'], errorLogs: [] }],
  links: [
    {
      target: {
        id: `unix:${sock}`,
        gateway: 'web1',
        directive: 'fastcgi_pass',
        scheme: 'fastcgi',
        address: { kind: 'unix', path: sock },
        onProbePath: true,
        source: 'config',
      },
      ownerHost: 'web1',
      listener: { state: 'listening', listeners: [{ host: 'web1', address: sock, pid: 40, line: sock }] },
      process: { pid: 40 },
      owner: { kind: 'unit', host: 'web1', unit: 'php8.2-fpm.service' },
      candidates: [],
    },
  ],
};
const probe = fakeFinding(
  'site-probe',
  {
    status: 200,
    samples: [1, 2, 3].map(() => ({ status: 200, durationMs: 3, error: null, ok: true })),
    failed: 0,
  },
  { check: 'http-probe', host: 'medic', severity: 'ok' },
);
const unit = fakeFinding(
  'unit-state',
  {
    unit: 'php8.2-fpm.service',
    loadState: 'loaded',
    activeState: 'active',
    subState: 'running',
    result: 'success',
    nRestarts: 0,
    execMainCode: '',
    execMainStatus: 0,
    stateChangeTimestamp: 'Wed 2026-12-02 16:10:00 UTC',
    type: 'notify',
    execStart: '',
    running: true,
  },
  { check: 'systemd-unit', severity: 'ok' },
);
const refused = (last: string): Finding =>
  fakeFinding(
    'nginx-upstream-error',
    {
      errorKind: 'connect-failed',
      errno: 2,
      upstream: `fastcgi://unix:${sock}`,
      unixSocket: sock,
      upstreamHost: null,
      upstreamPort: null,
      count: 5,
      first: last,
      last,
      server: 'shop.example.com',
      requestHost: 'shop.example.com',
      phase: 'connecting',
      during: null,
      call: 'connect',
      detail: null,
      fresh: 5,
      freshSeconds: 20,
    },
    {
      check: 'nginx-errors',
      evidence: [`${last} [crit] connect() to unix:${sock} failed (2: No such file or directory)`],
    },
  );
const run = (findings: Finding[]) =>
  diagnose({ siteName: 'shop', site, findings: [probe, unit, ...findings], siteFailing: false, topology });

describe('history and flaps', () => {
  it('errors logged before php-fpm started again are the outage it ended: healthy', () => {
    const d = run([refused('2026/12/02 16:09:55')]);
    expect(d.status).toBe('healthy');
    expect(d.basis.recentGatewayErrors).toBe(0);
    expect(d.causes.map((c) => c.id)).toEqual(['no-fault-found']);
  });

  it('errors logged after it started: it flaps, degraded', () => {
    const d = run([refused('2026/12/02 16:10:05')]);
    expect(d.status).toBe('degraded');
    expect(d.causes[0]?.id).toBe('upstream-crashing');
    expect(d.causes[0]?.title).toMatch(/refused 5 connection\(s\) in the last 20 s although it listens now/);
  });
});
