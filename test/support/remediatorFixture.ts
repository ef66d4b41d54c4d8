/** A Remediator on in-memory fakes, for unit tests: one site, one restart, scripted transports. */
import type { Inventory } from '../../src/core/model/inventory.js';
import { inventorySchema } from '../../src/core/model/inventory.js';
import type { RemediationReply } from '../../src/core/model/remediationReply.js';
import type { Report } from '../../src/core/model/report.js';
import { type RunOrigin, silentLogger } from '../../src/core/ports.js';
import { propose } from '../../src/core/remediation/actionCatalog.js';
import { remediationPolicySchema } from '../../src/core/remediation/remediationPolicy.js';
import { Remediator } from '../../src/core/remediation/remediator.js';
import { MemoryRemediationStore, MemoryReports, RecordingTransports, TestClock } from './remediationKit.js';

export const inventory: Inventory = inventorySchema.parse({
  hosts: { web1: { transport: 'local' } },
  sites: { shop: { url: 'http://127.0.0.1:9/', hosts: ['web1'] } },
});
export const restart = propose('restart-unit', 'web1', { unit: 'php8.2-fpm.service' });
let seq = 0;
export const report = (
  status: Report['status'],
  actions = status === 'healthy' ? [] : [restart],
): Report => ({
  id: `r${++seq}`,
  site: 'shop',
  playbook: '502-triage',
  status,
  headline: status === 'healthy' ? 'shop is healthy' : 'shop is down: php8.2-fpm.service is inactive',
  startedAt: new Date().toISOString(),
  durationMs: 5,
  hosts: ['web1'],
  causes:
    status === 'healthy'
      ? []
      : [
          {
            id: 'upstream-down',
            title: 'php-fpm down',
            confidence: 0.9,
            evidence: ['connect() failed (2)'],
            hosts: ['web1'],
            actions,
          },
        ],
  findings: [],
  actions,
  checks: [],
  topology: { gateways: [], chains: [] },
  blindSpots: [],
  basis: { probes: 1, failedProbes: 1, recentGatewayErrors: 0, recentSeconds: 20 },
});

export function setup(policy: Record<string, unknown> = {}, siteUp = () => true) {
  const store = new MemoryRemediationStore();
  const reports = new MemoryReports();
  const transports = new RecordingTransports();
  const clock = new TestClock();
  const replies: Array<RemediationReply | { type: 'report' }> = [];
  /** The playbook each verification diagnosis asked for (undefined: the site's default). */
  const diagnosedWith: Array<string | undefined> = [];
  /** Awaited before every probe of the site: a test can hold a verification here. */
  const hooks = { beforeProbe: async () => {} };
  const remediator = new Remediator({
    inventory,
    policy: remediationPolicySchema.parse({
      approvers: [{ users: ['U9', 'U7'] }, { users: ['U3'], maxRisk: 'reload' }],
      verify: { timeoutSeconds: 5, intervalSeconds: 1 },
      ...policy,
    }),
    store,
    reports,
    transports,
    containers: { open: () => ({}) as never },
    http: {
      get: async () => {
        await hooks.beforeProbe();
        return { status: siteUp() ? 200 : 502, durationMs: 1 };
      },
    },
    diagnose: async (_site: string, _origin: RunOrigin, playbook?: string) => {
      diagnosedWith.push(playbook);
      const r = { ...report(siteUp() ? 'healthy' : 'down'), playbook: playbook ?? '502-triage' };
      await reports.saveReport(r);
      return r;
    },
    clock,
    sleep: async (ms) => clock.advance(ms),
    newId: () => `p${++seq}`,
    logger: silentLogger,
  });
  const sink = (r: RemediationReply | { type: 'report' }) => {
    replies.push(r);
  };
  const diagnosed = async (status: Report['status'] = 'down') => {
    const r = report(status);
    await reports.saveReport(r);
    const approvals = await remediator.propose(r, {
      trigger: 'slack',
      requestedBy: 'U7',
      channel: 'C1',
      threadTs: '1.1',
    });
    return { report: r, pending: approvals[restart.id]?.id as string };
  };
  return { store, reports, transports, clock, replies, remediator, sink, diagnosed, diagnosedWith, hooks };
}
export const actor = (userId: string, groups: string[] = []) => ({ userId, groups });

/** A site that is down until `systemctl restart` runs on its host (`site.up` can be reset). */
export function setupDownUntilRestart(policy: Record<string, unknown> = {}) {
  const site = { up: false };
  const t = setup(policy, () => site.up);
  t.transports.answer = (line) => {
    if (line.startsWith('systemctl restart')) site.up = true;
    return {};
  };
  return { ...t, site };
}
