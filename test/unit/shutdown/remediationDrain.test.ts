/**
 * An approved restart under way when Medic stops: within the drain time it finishes and is
 * audited; past it, its remote command is hung up and the attempt is audited and said in the
 * thread as ended by the shutdown, never left without an outcome.
 */
import { describe, expect, it } from 'vitest';
import { StoppableTransports } from '../../../src/core/engine/stoppableTransports.js';
import { MedicError } from '../../../src/core/errors.js';
import type { RemediationReply } from '../../../src/core/model/remediationReply.js';
import { type RunOrigin, silentLogger, type Transport } from '../../../src/core/ports.js';
import { remediationPolicySchema } from '../../../src/core/remediation/remediationPolicy.js';
import { Remediator } from '../../../src/core/remediation/remediator.js';
import { drainAndStop } from '../../../src/shutdown.js';
import { MemoryRemediationStore, MemoryReports, TestClock } from '../../support/remediationKit.js';
import { inventory, report, restart } from '../../support/remediatorFixture.js';

/** `systemctl restart` takes `restartMs` (or until its signal aborts); everything else answers at once. */
function setup(restartMs: number) {
  const transports = new StoppableTransports({
    open: (host): Transport => ({
      host,
      exec: (cmd, o) =>
        new Promise((resolve, reject) => {
          const done = () =>
            resolve({ stdout: '', stderr: '', code: 0, signal: null, durationMs: 1, timedOut: false });
          if (!JSON.stringify(cmd).includes('"restart"')) return done();
          const timer = setTimeout(done, restartMs);
          o.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new MedicError('transport.aborted', `the command on ${host} was cancelled`));
          });
        }),
      close: async () => {},
    }),
  });
  const store = new MemoryRemediationStore();
  const reports = new MemoryReports();
  const remediator = new Remediator({
    inventory,
    policy: remediationPolicySchema.parse({
      approvers: [{ users: ['U9'] }],
      verify: { timeoutSeconds: 5, intervalSeconds: 1 },
    }),
    store,
    reports,
    transports,
    containers: { open: () => ({}) as never },
    http: { get: async () => ({ status: 200, durationMs: 1 }) },
    diagnose: async (_site: string, _origin: RunOrigin) => {
      const r = report('healthy');
      await reports.saveReport(r);
      return r;
    },
    clock: new TestClock(),
    sleep: async () => {},
    newId: () => `p${Math.random()}`,
    logger: silentLogger,
  });
  const replies: RemediationReply[] = [];
  const approve = async () => {
    const r = report('down');
    await reports.saveReport(r);
    const approvals = await remediator.propose(r, {
      trigger: 'slack',
      requestedBy: 'U7',
      channel: 'C1',
      threadTs: '1.1',
    });
    return remediator.approve(approvals[restart.id]?.id as string, { userId: 'U9', groups: [] }, (x) => {
      replies.push(x as RemediationReply);
    });
  };
  const stop = (drainMs: number) =>
    drainAndStop(
      {
        logger: silentLogger,
        stopIntake: [],
        work: { remediations: { size: () => remediator.inFlight.size, drain: (ms) => remediator.drain(ms) } },
        interrupt: async () => 0,
        endRemote: () => transports.stop(),
        close: async () => {},
      },
      { drainMs },
    );
  return { store, replies, approve, stop };
}

describe('a remediation under way at shutdown', () => {
  it('finishes within the drain time: executed, verified, audited', async () => {
    const t = setup(100);
    const running = t.approve();
    await new Promise((r) => setTimeout(r, 20));
    const out = await t.stop(5000);
    await running;
    expect(out.drained).toBe(true);
    expect(t.store.log.map((e) => e.event)).toEqual(['proposed', 'approved', 'executed', 'verified']);
    expect(t.replies.find((r) => r.type === 'remediation-verified')).toMatchObject({ recovered: true });
  });

  it('past the drain time: its command is hung up, and the attempt is audited and said as ended by the shutdown', async () => {
    const t = setup(60_000);
    const running = t.approve();
    await new Promise((r) => setTimeout(r, 20));
    const out = await t.stop(50);
    await running;
    expect(out.drained).toBe(false);
    expect(out.tookMs).toBeLessThan(2000);
    const executed = t.store.log.find((e) => e.event === 'executed');
    expect(executed?.detail).toMatchObject({
      ok: false,
      error: { code: 'transport.shutdown', message: 'the command on web1 was ended: Medic is shutting down' },
    });
    const done = t.replies.find((r) => r.type === 'remediation-done');
    expect(JSON.stringify(done)).toContain('the command on web1 was ended: Medic is shutting down');
  });
});
