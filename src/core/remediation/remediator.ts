import type { ProposedAction } from '../model/action.js';
import type { Approvals } from '../model/approvals.js';
import type { AuditInput } from '../model/audit.js';
import type { Report } from '../model/report.js';
import type { RunOrigin } from '../ports.js';
import { ActionPlanner } from './actionPlanner.js';
import { ActionRunner, type RemediationSink } from './actionRunner.js';
import type { Actor } from './actor.js';
import { approverRules, decideApproval } from './approvalPolicy.js';
import type { PostedMessage } from './buttonPlace.js';
import { expirePending } from './expirePending.js';
import { InFlight } from './inFlight.js';
import { proposeActions } from './proposeActions.js';
import { findPending, refuse } from './refusals.js';
import type { PendingRecord } from './remediationStore.js';
import type { RemediatorDeps } from './remediatorDeps.js';
import { runByOperator } from './runByOperator.js';
import { SelfHealer } from './selfHealer.js';

export type { RemediationSink } from './actionRunner.js';
export type { Actor } from './actor.js';

/**
 * Turns proposed actions into pending approvals, decides clicks against the policy, runs what
 * was approved over the host's transport, verifies the site recovered, and audits every step.
 */
export class Remediator {
  readonly runner: ActionRunner;
  readonly planner: ActionPlanner;
  readonly healer: SelfHealer;
  /** Runs under way (approved, self-healing, terminal): shutdown waits for them. */
  readonly inFlight = new InFlight();
  private readonly track = <T>(p: Promise<T>) => this.inFlight.track(p);

  constructor(private readonly deps: RemediatorDeps) {
    this.runner = new ActionRunner(deps, (report, origin) => this.propose(report, origin));
    this.planner = new ActionPlanner(deps);
    this.healer = new SelfHealer(deps, this.runner, this.track);
  }

  /** Wait for runs under way (before the store closes), at most `timeoutMs`; true if all ended. */
  drain(timeoutMs = 60_000): Promise<boolean> {
    return this.inFlight.drain(timeoutMs);
  }

  private now = () => this.deps.clock.now().toISOString();
  private audit = (e: Omit<AuditInput, 'at'>) => this.deps.store.audit({ at: this.now(), ...e });

  /** Store one pending approval per executable action of a report; returns their opaque ids. */
  propose(report: Report, origin: RunOrigin): Promise<Approvals> {
    return proposeActions(this.deps, this.planner, report, origin);
  }

  /** Record where the buttons of pending actions were posted (a report in a thread). */
  async bindMessage(pendingIds: readonly string[], message: PostedMessage): Promise<void> {
    for (const id of pendingIds) await this.deps.store.bindMessage(id, message);
  }

  /** A click on "approve": decide, claim (exactly once), run, verify. Refusals change nothing. */
  async approve(pendingId: string, actor: Actor, sink: RemediationSink): Promise<void> {
    const pending = await this.find(pendingId, actor, sink);
    if (!pending) return;
    const latest = await this.latest(pending);
    const decision = decideApproval(this.deps.policy, pending, actor, this.deps.clock.now(), latest);
    if (!decision.ok) {
      if (decision.code === 'expired') await expirePending(this.deps.store, pending, this.now());
      if (decision.code === 'stale')
        await this.deps.store.transition(pending.id, 'pending', 'stale', actor.userId, this.now());
      return this.refuse(pending, pendingId, actor, decision.code, decision.message, sink);
    }
    // One run of an action at a time: a click while self-healing (or another approval) runs it
    // is refused, and the pending action stays as it was.
    const release = this.runner.lock(pending.site, pending.actionId);
    if (!release) {
      const message =
        'this action is running right now (self-healing or another approval); wait for its result';
      return this.refuse(pending, pendingId, actor, 'in-progress', message, sink);
    }
    try {
      await this.track(this.approveLocked(pending, actor, sink));
    } finally {
      release();
    }
  }

  private async approveLocked(pending: PendingRecord, actor: Actor, sink: RemediationSink): Promise<void> {
    const pendingId = pending.id;
    // A pinned rollback must still resolve to what was proposed before the approval is spent.
    const pin = await this.planner.checkPin(pending);
    if (pin) {
      if (pin.code !== 'plan-failed')
        await this.deps.store.transition(pendingId, 'pending', 'stale', actor.userId, this.now());
      return this.refuse(pending, pendingId, actor, pin.code, pin.message, sink);
    }
    if (!(await this.deps.store.transition(pendingId, 'pending', 'approved', actor.userId, this.now()))) {
      return this.refuse(
        pending,
        pendingId,
        actor,
        'already-decided',
        'this action was already decided',
        sink,
      );
    }
    await this.audit({
      site: pending.site,
      pendingId,
      event: 'approved',
      actor: actor.userId,
      detail: {
        action: pending.actionId,
        risk: pending.risk,
        requestedBy: pending.requestedBy,
        causes: pending.causes,
        evidence: pending.evidence,
      },
    });
    const r = await this.runner.run(pending.site, pending.action, actor.userId, sink, {
      pending,
      auto: false,
    });
    if (r.recovered) await this.healer.humanRecovered(pending.site, actor.userId);
  }

  /** Reject: approvers and the requester may withdraw a pending action. */
  async reject(pendingId: string, actor: Actor, sink: RemediationSink): Promise<void> {
    const pending = await this.find(pendingId, actor, sink);
    if (!pending) return;
    const allowed =
      actor.userId === pending.requestedBy || approverRules(this.deps.policy, pending.site, actor).length > 0;
    if (!allowed)
      return this.refuse(
        pending,
        pendingId,
        actor,
        'not-approver',
        `only the requester or an approver of ${pending.site} may reject this`,
        sink,
      );
    if (!(await this.deps.store.transition(pendingId, 'pending', 'rejected', actor.userId, this.now()))) {
      return this.refuse(
        pending,
        pendingId,
        actor,
        'already-decided',
        'this action was already decided',
        sink,
      );
    }
    await this.audit({
      site: pending.site,
      pendingId,
      event: 'rejected',
      actor: actor.userId,
      detail: { action: pending.actionId },
    });
    await sink({
      type: 'remediation-rejected',
      site: pending.site,
      action: pending.action,
      by: actor.userId,
    });
  }

  /** The exact commands, resolved on the host now (e.g. which release is previous). Runs nothing. */
  dryRun(site: string, action: ProposedAction, actor: string, sink: RemediationSink, pendingId?: string) {
    return this.planner.dryRun(site, action, actor, sink, pendingId);
  }

  async dryRunPending(pendingId: string, actor: Actor, sink: RemediationSink): Promise<void> {
    const pending = await this.find(pendingId, actor, sink);
    if (!pending) return;
    // It opens an SSH session and runs read-only commands: the requester and approvers only.
    if (
      actor.userId !== pending.requestedBy &&
      approverRules(this.deps.policy, pending.site, actor).length === 0
    ) {
      return this.refuse(
        pending,
        pendingId,
        actor,
        'not-approver',
        `only the requester or an approver of ${pending.site} may run a dry run`,
        sink,
      );
    }
    await this.dryRun(pending.site, pending.action, actor.userId, sink, pendingId);
  }

  auditLog(site: string | undefined, limit: number) {
    return this.deps.store.auditLog({ ...(site ? { site } : {}), limit });
  }

  /**
   * An operator at a terminal (`medic remediate`): holding the config and keys is the
   * authority, so there is no approval step; the same lock, audit and verification apply.
   */
  runByOperator(
    report: Report,
    action: ProposedAction,
    operator: string,
    sink: RemediationSink,
    /** The steps the operator confirmed: only these run (a deploy in between refuses). */
    expectedSteps?: string[],
  ): Promise<{ ok: boolean; recovered: boolean }> {
    const deps = { ...this.deps, runner: this.runner, healer: this.healer, track: this.track };
    return runByOperator(deps, { report, action, operator, sink, expectedSteps });
  }

  /** May this chat user create or change schedules of `site`? Approvers of the site may. */
  mayManageSchedules(site: string, actor: Actor): boolean {
    return approverRules(this.deps.policy, site, actor).length > 0;
  }

  auditSchedule(site: string, actor: string, detail: Record<string, unknown>): Promise<void> {
    return this.audit({ site, pendingId: null, event: 'schedule-changed', actor, detail });
  }

  /** A request the chat adapter refused before reading it (forged signature, stale timestamp). */
  auditRejectedRequest(reason: string): Promise<void> {
    return this.audit({
      site: '-',
      pendingId: null,
      event: 'refused',
      actor: null,
      detail: { code: reason },
    });
  }

  /** Mark pending actions past their expiry as expired (audited). */
  async expireDue(): Promise<number> {
    const due = await this.deps.store.pendingDue(this.now());
    for (const p of due) await expirePending(this.deps.store, p, this.now());
    return due.length;
  }

  /** The newest diagnosis of the site by the same playbook (a health check says nothing of restarts). */
  private async latest(
    pending: PendingRecord,
  ): Promise<{ reportId: string; actionIds: string[] } | undefined> {
    const playbook = pending.playbook ?? (await this.deps.reports.getReport(pending.reportId))?.playbook;
    const [newest] = await this.deps.reports.history(pending.site, 1, playbook);
    const report = newest ? await this.deps.reports.getReport(newest.id) : undefined;
    return report ? { reportId: report.id, actionIds: report.actions.map((a) => a.id) } : undefined;
  }

  /** The stored pending action of a button, or a refusal (audited) when there is none or the click is misplaced. */
  private find(pendingId: string, actor: Actor, sink: RemediationSink): Promise<PendingRecord | undefined> {
    return findPending(this.deps, pendingId, actor, sink);
  }

  private refuse(
    pending: PendingRecord | undefined,
    pendingId: string,
    actor: Actor,
    code: string,
    message: string,
    sink: RemediationSink,
  ): Promise<void> {
    return refuse(this.deps, { pending, pendingId, actor, code, message, sink });
  }
}
