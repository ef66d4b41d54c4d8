import { describe, expect, it } from 'vitest';
import { pickAction } from '../../../src/cliRemediate.js';
import type { Approvals } from '../../../src/core/model/approvals.js';
import type { Report } from '../../../src/core/model/report.js';
import { propose } from '../../../src/core/remediation/actionCatalog.js';
import { remediationPolicySchema } from '../../../src/core/remediation/remediationPolicy.js';
import { actor, report, restart, setup, setupDownUntilRestart } from '../../support/remediatorFixture.js';

describe('Remediator', () => {
  it('proposes with the requester, an expiry and the exact commands in the audit', async () => {
    const t = setup();
    const { pending } = await t.diagnosed();
    expect(await t.store.getPending(pending)).toMatchObject({
      requestedBy: 'U7',
      expiresAt: '2026-11-22T10:15:00.000Z',
      state: 'pending',
      causes: ['upstream-down'],
      action: { kind: 'restart-unit', params: { unit: 'php8.2-fpm.service' } },
    });
    expect(t.store.log[0]?.detail.commands).toEqual(restart.preview);
  });

  it('an approver runs it once, privileged, in order; verification sees recovery', async () => {
    const t = setupDownUntilRestart();
    const { pending } = await t.diagnosed();
    await t.remediator.approve(pending, actor('U9'), t.sink);
    expect(t.transports.ran.map((r) => [r.line, r.privileged])).toEqual([
      ['systemctl reset-failed -- php8.2-fpm.service', true],
      ['systemctl restart -- php8.2-fpm.service', true],
      ['systemctl is-active -- php8.2-fpm.service', true],
    ]);
    expect(t.replies.map((r) => r.type)).toEqual([
      'remediation-started',
      'remediation-done',
      'remediation-verified',
    ]);
    expect(t.replies.at(-1)).toMatchObject({ recovered: true });
    expect(t.store.events()).toEqual(['proposed', 'approved', 'executed', 'verified']);
    expect((await t.store.getPending(pending))?.state).toBe('executed');
  });

  it('refuses a risk above the approver’s, changes nothing, and audits it', async () => {
    const t = setup();
    const { pending } = await t.diagnosed();
    await t.remediator.approve(pending, actor('U3'), t.sink);
    expect(t.replies).toEqual([
      expect.objectContaining({ type: 'remediation-refused', code: 'risk-too-high' }),
    ]);
    expect(t.transports.ran).toEqual([]);
    expect((await t.store.getPending(pending))?.state).toBe('pending');
  });

  it('a failed step stops the plan: no verification, the audit says which exit code', async () => {
    const t = setup();
    t.transports.answer = (line) =>
      line.startsWith('systemctl restart') ? { code: 1, stderr: 'Job failed' } : {};
    const { pending } = await t.diagnosed();
    await t.remediator.approve(pending, actor('U9'), t.sink);
    expect(t.transports.ran).toHaveLength(2);
    const executed = t.store.log.find((e) => e.event === 'executed');
    expect(executed?.detail).toMatchObject({ ok: false, steps: [{ code: 0 }, { code: 1 }] });
    expect(t.replies.map((r) => r.type)).toEqual(['remediation-started', 'remediation-done']);
  });

  it('still failing: says so and offers the next step, still under four-eyes for the requester', async () => {
    const t = setup({}, () => false);
    const { pending } = await t.diagnosed();
    await t.remediator.approve(pending, actor('U9'), t.sink);
    expect(t.replies.find((r) => r.type === 'remediation-verified')).toMatchObject({ recovered: false });
    const next = t.replies.at(-1) as { type: 'report'; approvals: Approvals };
    expect(next.type).toBe('report');
    const followUp = next.approvals[restart.id]?.id as string;
    expect((await t.store.getPending(followUp))?.requestedBy).toBe('U7');
    await t.remediator.approve(followUp, actor('U7'), t.sink);
    expect(t.replies.at(-1)).toMatchObject({ type: 'remediation-refused', code: 'self-approval' });
  });

  it('expires what nobody decided in time (audited once), and refuses it afterwards', async () => {
    const t = setup();
    const { pending } = await t.diagnosed();
    t.clock.advance(15 * 60_000);
    expect(await t.remediator.expireDue()).toBe(1);
    expect(await t.remediator.expireDue()).toBe(0);
    await t.remediator.approve(pending, actor('U9'), t.sink);
    expect(t.store.events()).toEqual(['proposed', 'expired', 'refused']);
    expect(t.transports.ran).toEqual([]);
  });

  it('reject: the requester or an approver, once; others are refused', async () => {
    const t = setup();
    const { pending } = await t.diagnosed();
    await t.remediator.reject(pending, actor('U5'), t.sink);
    expect(t.replies.at(-1)).toMatchObject({ code: 'not-approver' });
    await t.remediator.reject(pending, actor('U3'), t.sink); // approver, even if the risk is above theirs
    expect(t.replies.at(-1)).toMatchObject({ type: 'remediation-rejected', by: 'U3' });
    await t.remediator.reject(pending, actor('U7'), t.sink);
    expect(t.replies.at(-1)).toMatchObject({ code: 'already-decided' });
  });
});

describe('self-healing budget', () => {
  const rule = { cause: 'upstream-down', action: 'restart-unit', maxRuns: 2, windowMinutes: 60 };

  it('heals twice, then opens the breaker and tells humans; it stays open until a human fixes it', async () => {
    const t = setupDownUntilRestart({ selfHealing: [rule] });
    const heal = async () => {
      t.site.up = false;
      const r = report('down');
      await t.reports.saveReport(r);
      return t.remediator.healer.afterDiagnosis(r, { trigger: 'schedule' }, t.sink);
    };
    expect(await heal()).toBe('healed');
    t.clock.advance(10 * 60_000);
    expect(await heal()).toBe('healed');
    t.clock.advance(10 * 60_000);
    expect(await heal()).toBe('paused');
    expect(t.replies.at(-1)).toMatchObject({ type: 'heal-paused', opened: true });
    t.clock.advance(3 * 60 * 60_000); // the window has passed, the breaker has not
    expect(await heal()).toBe('paused');
    expect(t.replies.at(-1)).toMatchObject({ type: 'heal-paused', opened: false });
    expect(t.store.events().filter((e) => e === 'auto-approved')).toHaveLength(2);

    t.site.up = false;
    const { pending } = await t.diagnosed();
    await t.remediator.approve(pending, actor('U9'), t.sink);
    expect(t.store.events()).toContain('breaker-closed');
    expect(await heal()).toBe('healed');
  });

  it('only the kind, target and site the rule names; never a healthy site', async () => {
    const t = setup({ selfHealing: [{ ...rule, target: 'nginx.service' }] });
    expect(await t.remediator.healer.afterDiagnosis(report('down'), { trigger: 'slack' }, t.sink)).toBe(
      'none',
    );
    const t2 = setup({ selfHealing: [{ ...rule, sites: ['api'] }] });
    expect(await t2.remediator.healer.afterDiagnosis(report('down'), { trigger: 'slack' }, t2.sink)).toBe(
      'none',
    );
    const t3 = setup({ selfHealing: [rule] });
    expect(await t3.remediator.healer.afterDiagnosis(report('healthy'), { trigger: 'slack' }, t3.sink)).toBe(
      'none',
    );
    expect([...t.transports.ran, ...t2.transports.ran, ...t3.transports.ran]).toEqual([]);
  });

  it('rejects rules for risky kinds in the config schema', () => {
    const bad = remediationPolicySchema.safeParse({ selfHealing: [{ ...rule, action: 'rollback-symlink' }] });
    expect(bad.success).toBe(false);
  });
});

describe('review findings, fixed', () => {
  const rule = { cause: 'upstream-down', action: 'restart-unit', maxRuns: 1, windowMinutes: 60 };

  it('a follow-up of an automatic run keeps the reporter as requester (four-eyes holds)', async () => {
    const t = setup({ selfHealing: [rule] }, () => false);
    const r = report('down');
    await t.reports.saveReport(r);
    await t.remediator.healer.afterDiagnosis(r, { trigger: 'slack', requestedBy: 'U7' }, t.sink);
    const next = t.replies.find((x) => x.type === 'report') as unknown as {
      approvals: Approvals;
    };
    const followUp = next.approvals[restart.id]?.id as string;
    expect((await t.store.getPending(followUp))?.requestedBy).toBe('U7');
    await t.remediator.approve(followUp, actor('U7'), t.sink);
    expect(t.replies.at(-1)).toMatchObject({ code: 'self-approval' });
  });

  it('two diagnoses at once spend the budget once', async () => {
    let release: () => void = () => {};
    const t = setup({ selfHealing: [{ ...rule, maxRuns: 5 }] });
    t.transports.answer = () => ({});
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slowSink = async () => gate;
    const r = report('down');
    const a = t.remediator.healer.afterDiagnosis(r, { trigger: 'slack' }, slowSink);
    const b = t.remediator.healer.afterDiagnosis(r, { trigger: 'schedule' }, slowSink);
    release();
    expect((await Promise.all([a, b])).sort()).toEqual(['healed', 'none']);
    expect(t.transports.ran.filter((x) => x.line.startsWith('systemctl restart'))).toHaveLength(1);
  });

  it('a non-approver click on an expired action changes nothing', async () => {
    const t = setup();
    const { pending } = await t.diagnosed();
    t.clock.advance(20 * 60_000);
    await t.remediator.approve(pending, actor('U5'), t.sink);
    expect((await t.store.getPending(pending))?.state).toBe('pending');
    expect(t.replies.at(-1)).toMatchObject({ code: 'not-approver' });
  });

  it('a newer report of another playbook (a health check) does not make an approval stale', async () => {
    const t = setupDownUntilRestart();
    const { pending } = await t.diagnosed();
    await t.reports.saveReport({ ...report('down', []), playbook: 'health' });
    await t.remediator.approve(pending, actor('U9'), t.sink);
    expect(t.replies.at(-1)).toMatchObject({ type: 'remediation-verified', recovered: true });
  });

  it('a 404 after the fix is not a recovery', async () => {
    const r404 = {
      ...report('degraded', []),
      findings: [{ kind: 'site-probe', severity: 'warn' }],
    } as unknown as Report;
    const { recoveredBy } = await import('../../../src/core/remediation/verifyRecovery.js');
    expect(recoveredBy(r404, ['upstream-down'])).toBe(false);
    const r200 = {
      ...r404,
      causes: [],
      findings: [{ kind: 'site-probe', severity: 'ok' }],
    } as unknown as Report;
    expect(recoveredBy(r200, ['upstream-down'])).toBe(true);
  });

  it('a rollback runs only what it resolved to when proposed; a host that changed is refused', async () => {
    const t = setup({ approvers: [{ users: ['U9'], maxRisk: 'rollback' }] });
    const rb = propose('rollback-symlink', 'web1', { path: '/srv/shop/current' }, 'rollback-1');
    let current = 'releases/r3';
    t.transports.answer = (line) =>
      line.startsWith('readlink')
        ? { stdout: `${current}\n` }
        : line.startsWith('find')
          ? { stdout: 'r1\nr2\nr3\nr4\n' }
          : {};
    const r = { ...report('down', [rb]), causes: [] };
    await t.reports.saveReport(r);
    const approvals = await t.remediator.propose(r, { trigger: 'slack', requestedBy: 'U7' });
    const pending = approvals[rb.id]?.id as string;
    expect((await t.store.getPending(pending))?.plannedSteps?.[0]).toContain('releases/r2');
    current = 'releases/r4'; // a deploy landed after the report
    await t.remediator.approve(pending, actor('U9'), t.sink);
    // Refused before the approval is spent: stale, never approved or executed.
    expect(t.replies.at(-1)).toMatchObject({
      type: 'remediation-refused',
      code: 'host-changed',
      message: expect.stringContaining('releases/r3'),
    });
    expect((await t.store.getPending(pending))?.state).toBe('stale');
    expect(t.store.events()).toEqual(['proposed', 'refused']);
    expect(t.transports.ran.some((x) => x.line.startsWith('ln '))).toBe(false);
  });
});

describe('pinned rollbacks fail closed', () => {
  /** A rollback proposed on web1 (r3 current, r2 before it), reachable or not when proposed. */
  async function proposeRollback(reachable: boolean) {
    const t = setup({ approvers: [{ users: ['U9'], maxRisk: 'rollback' }] });
    const rb = propose('rollback-symlink', 'web1', { path: '/srv/shop/current' }, 'rollback-1');
    const host = { reachable };
    t.transports.answer = (line) =>
      !host.reachable
        ? { code: 255, stderr: 'ssh: connect to host web1 port 22: Connection refused' }
        : line.startsWith('readlink')
          ? { stdout: 'releases/r3\n' }
          : line.startsWith('find')
            ? { stdout: 'r2\nr3\n' }
            : {};
    const r = { ...report('down', [rb]), causes: [] };
    await t.reports.saveReport(r);
    const approvals = await t.remediator.propose(r, { trigger: 'slack', requestedBy: 'U7' });
    return { t, rb, host, approvals };
  }

  it('a rollback that could not be resolved when proposed is never run unpinned', async () => {
    const { t, rb, host, approvals } = await proposeRollback(false);
    const pending = approvals[rb.id]?.id as string;
    const stored = await t.store.getPending(pending);
    expect(stored?.plannedSteps).toBeUndefined();
    expect(stored?.pinError).toMatch(/^readlink \/srv\/shop\/current failed on web1/);
    expect(approvals[rb.id]?.steps).toBeUndefined(); // the report shows the placeholder preview
    host.reachable = true;
    await t.remediator.approve(pending, actor('U9'), t.sink);
    expect(t.transports.ran.some((x) => x.line.startsWith('ln '))).toBe(false);
    expect(t.replies.at(-1)).toMatchObject({ type: 'remediation-refused', code: 'unresolved' });
    expect((await t.store.getPending(pending))?.state).toBe('stale');
  });

  it('a host that does not answer now refuses, and the rollback stays approvable', async () => {
    const { t, rb, host, approvals } = await proposeRollback(true);
    expect(approvals[rb.id]?.steps?.[0]).toBe('sudo -- ln -sfn -- releases/r2 /srv/shop/current.medic-new');
    host.reachable = false;
    await t.remediator.approve(approvals[rb.id]?.id as string, actor('U9'), t.sink);
    expect(t.replies.at(-1)).toMatchObject({ code: 'plan-failed' });
    expect((await t.store.getPending(approvals[rb.id]?.id as string))?.state).toBe('pending');
  });
});

describe('medic remediate picks an action', () => {
  const rb = propose('rollback-symlink', 'web1', { path: '/srv/shop/current' }, 'rollback-1');
  it('by id, number, unique kind or prefix; ambiguity lists', () => {
    expect(pickAction([restart, rb], restart.id)).toBe(restart);
    expect(pickAction([restart, rb], '2')).toBe(rb);
    expect(pickAction([restart, rb], 'rollback')).toBe(rb);
    expect(pickAction([restart, rb], 'restart-unit:web1')).toBe(restart);
    expect(pickAction([restart, rb], 'r')).toEqual([restart, rb]);
    expect(pickAction([restart, rb], 'nope')).toEqual([]);
  });
});
