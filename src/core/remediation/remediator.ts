import type { ProposedAction } from '../model/action.js';
import type { Report } from '../model/report.js';
import type { RunOrigin } from '../ports.js';
import { actionDefs } from './actionCatalog.js';
import { ActionRunner, type RemediationSink } from './actionRunner.js';
import { approverRules, decideApproval } from './approvalPolicy.js';
import { expirePending } from './expirePending.js';
import { causesOf, pendingRecord } from './pendingRecord.js';
import type { Approvals } from './remediationReply.js';
import type { AuditInput, PendingRecord } from './remediationStore.js';
import type { RemediatorDeps } from './remediatorDeps.js';
import { SelfHealer } from './selfHealer.js';

export type { RemediationSink } from './actionRunner.js';

/** Who clicked: a chat user id and the user groups they belong to (resolved by the adapter). */
export interface Actor {
  userId: string;
  groups: readonly string[];
}

/**
 * Turns proposed actions into pending approvals, decides clicks against the policy, runs what
 * was approved over the host's transport, verifies the site recovered, and audits every step.
 */
export class Remediator {
  readonly runner: ActionRunner;
  readonly healer: SelfHealer;

  constructor(private readonly deps: RemediatorDeps) {
    this.runner = new ActionRunner(deps, (report, origin) => this.propose(report, origin));
    this.healer = new SelfHealer(deps, this.runner);
  }

  private now = () => this.deps.clock.now().toISOString();
  private audit = (e: Omit<AuditInput, 'at'>) => this.deps.store.audit({ at: this.now(), ...e });

  /** Store one pending approval per executable action of a report; returns their opaque ids. */
  async propose(report: Report, origin: RunOrigin): Promise<Approvals> {
    const approvals: Approvals = {};
    for (const action of report.actions) {
      if (action.manual || !actionDefs.has(action.kind)) continue;
      const pending = pendingRecord(report, action, origin, {
        id: this.deps.newId(),
        createdAt: this.deps.clock.now(),
        expiryMinutes: this.deps.policy.expiryMinutes,
        // A rollback's target depends on the host's state: pin what it resolves to now.
        plannedSteps: action.risk === 'rollback' ? await this.runner.pin(action) : undefined,
      });
      await this.deps.store.createPending(pending);
      await this.audit({
        site: report.site,
        pendingId: pending.id,
        event: 'proposed',
        actor: pending.requestedBy,
        detail: {
          action: action.id,
          risk: action.risk,
          report: report.id,
          commands: pending.plannedSteps ?? action.preview,
          expiresAt: pending.expiresAt,
        },
      });
      approvals[action.id] = pending.id;
    }
    return approvals;
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
    if (!(await this.deps.store.transition(pending.id, 'pending', 'approved', actor.userId, this.now()))) {
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
    if (r.recovered) await this.healer.humanRecovered(pending.site, pending.actionId, actor.userId);
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
    return this.runner.dryRun(site, action, actor, sink, pendingId);
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
   * authority, so there is no approval step; the same audit and verification apply.
   */
  async runByOperator(
    report: Report,
    action: ProposedAction,
    operator: string,
    sink: RemediationSink,
  ): Promise<{ ok: boolean; recovered: boolean }> {
    const { causes, evidence } = causesOf(report, action);
    await this.audit({
      site: report.site,
      pendingId: null,
      event: 'approved',
      actor: operator,
      detail: { action: action.id, risk: action.risk, via: 'terminal', report: report.id, causes, evidence },
    });
    const r = await this.runner.run(report.site, action, operator, sink, {
      auto: false,
      causes,
      origin: { trigger: 'cli', requestedBy: operator },
    });
    if (r.recovered) await this.healer.humanRecovered(report.site, action.id, operator);
    return r;
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
    const own = await this.deps.reports.getReport(pending.reportId);
    const newest = (await this.deps.reports.history(pending.site, 500)).find(
      (h) => !own || h.playbook === own.playbook,
    );
    const report = newest ? await this.deps.reports.getReport(newest.id) : undefined;
    return report ? { reportId: report.id, actionIds: report.actions.map((a) => a.id) } : undefined;
  }

  /** The stored pending action of a button, or a refusal (audited) when there is none. */
  private async find(
    pendingId: string,
    actor: Actor,
    sink: RemediationSink,
  ): Promise<PendingRecord | undefined> {
    const pending = await this.deps.store.getPending(pendingId);
    if (!pending) {
      await this.refuse(
        undefined,
        pendingId,
        actor,
        'unknown-action',
        'this button is not a pending action of Medic',
        sink,
      );
    }
    return pending;
  }

  private async refuse(
    pending: PendingRecord | undefined,
    pendingId: string,
    actor: Actor,
    code: string,
    message: string,
    sink: RemediationSink,
  ): Promise<void> {
    await this.audit({
      site: pending?.site ?? '-',
      pendingId: pending ? pendingId : null,
      event: 'refused',
      actor: actor.userId,
      detail: { code, ...(pending ? { action: pending.actionId } : { value: pendingId.slice(0, 100) }) },
    });
    this.deps.logger.info(
      { code, actor: actor.userId, pending: pendingId.slice(0, 100) },
      'remediation refused',
    );
    await sink({ type: 'remediation-refused', code, message });
  }
}
