/** One run per action at a time, shutdown drains runs, verification re-runs the same checks. */
import { describe, expect, it } from 'vitest';
import { propose } from '../../../src/core/remediation/actionCatalog.js';
import { actor, report, restart, setup, setupDownUntilRestart } from '../../support/remediatorFixture.js';

const rule = { cause: 'upstream-down', action: 'restart-unit', maxRuns: 3, windowMinutes: 60 };

/** A gate a test opens by hand: verification waits at the site probe until then. */
function gate() {
  let open: () => void = () => {};
  const closed = new Promise<void>((r) => {
    open = r;
  });
  return { wait: () => closed, open: () => open() };
}

describe('one run of an action at a time', () => {
  it('a click while self-healing runs the same restart is refused and changes nothing', async () => {
    const t = setupDownUntilRestart({ selfHealing: [rule] });
    const g = gate();
    t.hooks.beforeProbe = g.wait;
    const { report: r, pending } = await t.diagnosed();
    const healing = t.remediator.healer.afterDiagnosis(r, { trigger: 'slack', requestedBy: 'U7' }, t.sink);
    await new Promise((res) => setTimeout(res, 10)); // self-healing is now verifying
    await t.remediator.approve(pending, actor('U9'), t.sink);
    expect(t.replies.at(-1)).toMatchObject({ type: 'remediation-refused', code: 'in-progress' });
    expect((await t.store.getPending(pending))?.state).toBe('pending');
    g.open();
    expect(await healing).toBe('healed');
    expect(t.transports.ran.filter((x) => x.line.startsWith('systemctl restart'))).toHaveLength(1);
    // Afterwards the newer diagnosis (healthy) no longer proposes it: the old button is stale.
    await t.remediator.approve(pending, actor('U9'), t.sink);
    expect(t.replies.at(-1)).toMatchObject({ code: 'stale' });
  });

  it('self-healing does not start while a human-approved run of the action is under way', async () => {
    const t = setup({ selfHealing: [rule] }, () => true);
    const g = gate();
    t.hooks.beforeProbe = g.wait;
    const { report: r, pending } = await t.diagnosed();
    const approving = t.remediator.approve(pending, actor('U9'), t.sink);
    await new Promise((res) => setTimeout(res, 10));
    expect(await t.remediator.healer.afterDiagnosis(r, { trigger: 'schedule' }, t.sink)).toBe('none');
    g.open();
    await approving;
    expect(t.store.events()).not.toContain('auto-approved');
  });

  it('shutdown waits for a run under way, within its deadline', async () => {
    const t = setup({}, () => true);
    const g = gate();
    t.hooks.beforeProbe = g.wait;
    const { pending } = await t.diagnosed();
    const approving = t.remediator.approve(pending, actor('U9'), t.sink);
    await new Promise((res) => setTimeout(res, 10));
    expect(t.remediator.inFlight.size).toBe(1);
    expect(await t.remediator.drain(20)).toBe(false);
    g.open();
    expect(await t.remediator.drain(1000)).toBe(true);
    await approving;
    expect(t.store.events()).toEqual(['proposed', 'approved', 'executed', 'verified']);
  });
});

describe('verification and breakers', () => {
  it('verification runs the playbook of the report that found the cause', async () => {
    const t = setup({}, () => true);
    const r = { ...report('down'), playbook: 'php-deep' };
    await t.reports.saveReport(r);
    const approvals = await t.remediator.propose(r, { trigger: 'slack', requestedBy: 'U7' });
    await t.remediator.approve(approvals[restart.id]?.id as string, actor('U9'), t.sink);
    expect(t.diagnosedWith).toEqual(['php-deep']);
    expect(t.replies.at(-1)).toMatchObject({ type: 'remediation-verified', recovered: true });
  });

  it('any human-decided recovery of the site closes its breakers and resets their budget', async () => {
    const t = setup({ selfHealing: [rule] }, () => true);
    const key = { site: 'shop', actionId: restart.id };
    await t.store.setBreaker(key, { openedAt: '2026-11-22T09:00:00.000Z', reason: 'budget spent' });
    await t.store.claimHealRun(key, '2026-11-22T08:00:00.000Z', 9, '2026-11-22T09:00:00.000Z');
    // The human fixes it with another action (a reload), not the restart the breaker guards.
    const reload = propose('reload-unit', 'web1', { unit: 'php8.2-fpm.service' });
    const r = report('down', [reload]);
    await t.reports.saveReport(r);
    const approvals = await t.remediator.propose(r, { trigger: 'slack', requestedBy: 'U7' });
    await t.remediator.approve(approvals[reload.id]?.id as string, actor('U9'), t.sink);
    expect(await t.store.openBreakers('shop')).toEqual([]);
    expect(t.store.runs).toEqual([]);
    expect(t.store.log.find((e) => e.event === 'breaker-closed')).toMatchObject({
      actor: 'U9',
      detail: { action: restart.id },
    });
  });

  it('the terminal runs only the steps the operator confirmed', async () => {
    const t = setup({}, () => true);
    const r = report('down');
    const confirmed = ['sudo -- systemctl restart -- nginx.service'];
    const result = await t.remediator.runByOperator(r, restart, 'cli:ann', t.sink, confirmed);
    expect(result).toEqual({ ok: false, recovered: false });
    expect(t.transports.ran.some((x) => x.line.startsWith('systemctl restart'))).toBe(false);
    expect(t.replies.find((x) => x.type === 'remediation-done')).toMatchObject({
      execution: { ok: false, error: { code: 'action.changed' } },
    });
  });
});

describe('chat failures', () => {
  it('a message that cannot be posted does not stop an approved run or its verification', async () => {
    const t = setupDownUntilRestart();
    const { pending } = await t.diagnosed();
    const failing = async () => {
      throw new Error('slack: ratelimited');
    };
    await t.remediator.approve(pending, actor('U9'), failing);
    expect(t.transports.ran.filter((x) => x.line.startsWith('systemctl restart'))).toHaveLength(1);
    expect(t.store.events()).toEqual(['proposed', 'approved', 'executed', 'verified']);
    expect(t.store.log.at(-1)?.detail).toMatchObject({ recovered: true });
  });
});
