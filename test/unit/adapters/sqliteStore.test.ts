import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/adapters/store/sqliteStore.js';
import type { Report } from '../../../src/core/model/report.js';

const report = (id: string, site: string, startedAt: string, status: Report['status'] = 'down'): Report => ({
  id,
  site,
  playbook: '502-triage',
  status,
  headline: `${site} is ${status}`,
  startedAt,
  durationMs: 120,
  hosts: ['web1'],
  causes:
    status === 'healthy'
      ? []
      : [{ id: 'upstream-down', title: 't', confidence: 0.9, evidence: ['e'], hosts: ['web1'], actions: [] }],
  findings: [],
  actions: [],
  checks: [],
  topology: { gateways: [], chains: [] },
  blindSpots: [],
  basis: { probes: 1, failedProbes: 1, recentGatewayErrors: 0, recentSeconds: 20 },
});

describe('SqliteStore', () => {
  it('stores reports, lists history newest first, and survives a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'medic-store-')), 'sub', 'medic.db');
    const a = new SqliteStore(path);
    await a.saveReport(report('r1', 'shop', '2026-11-22T01:00:00.000Z'), { trigger: 'cli' });
    await a.saveReport(report('r2', 'shop', '2026-11-22T02:00:00.000Z', 'healthy'), {
      trigger: 'slack',
      requestedBy: 'U1',
      channel: 'C1',
      threadTs: '1.2',
    });
    await a.saveReport(report('r3', 'api', '2026-11-22T01:30:00.000Z'), { trigger: 'console' });
    await a.close();

    const b = new SqliteStore(path); // reopen: migrations are idempotent, data is there
    expect(
      (await b.history('shop', 10)).map((h) => [h.id, h.status, h.topCause, h.trigger, h.requestedBy]),
    ).toEqual([
      ['r2', 'healthy', null, 'slack', 'U1'],
      ['r1', 'down', 'upstream-down', 'cli', null],
    ]);
    expect((await b.history('shop', 1)).map((h) => h.id)).toEqual(['r2']);
    expect((await b.latestPerSite()).map((h) => [h.site, h.id])).toEqual([
      ['api', 'r3'],
      ['shop', 'r2'],
    ]);
    expect((await b.getReport('r1'))?.causes[0]?.id).toBe('upstream-down');
    expect(await b.getReport('nope')).toBeUndefined();
    await b.close();
  });

  it('refuses an unusable path with a coded error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-store-'));
    writeFileSync(join(dir, 'file'), 'not a directory');
    expect(() => new SqliteStore(join(dir, 'file', 'medic.db'))).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^store\./) }),
    );
  });
});
