import { toSafeError } from '../errors.js';
import type { ProposedAction } from '../model/action.js';
import type { Approvals } from '../model/approvals.js';
import type { AuditInput } from '../model/audit.js';
import type { Execution } from '../model/execution.js';
import type { Report } from '../model/report.js';
import type { RunOrigin } from '../ports.js';
import { actionDef } from './actionCatalog.js';
import type { Step } from './actionDef.js';
import { executePlan, openActionContext } from './executePlan.js';
import { quietSink, type RemediationSink } from './remediationSink.js';
import type { PendingRecord } from './remediationStore.js';
import type { RemediatorDeps } from './remediatorDeps.js';
import { verifyRecovery } from './verifyRecovery.js';

export interface RunOptions {
  pending?: PendingRecord;
  auto: boolean;
  /** The causes the action targets (verification waits until they are gone). */
  causes?: string[];
  /** The diagnosis that led here (its requester and thread carry over to follow-ups). */
  origin?: RunOrigin;
  /** The playbook of the report that found the cause: verification runs the same checks. */
  playbook?: string;
  /** The steps shown to whoever decided (a terminal confirmation): only these may run. */
  expectedSteps?: string[];
}

export type { RemediationSink } from './remediationSink.js';

/**
 * Runs one action on its host and verifies the site recovered, auditing both. Shared by
 * approvals, the terminal (`medic remediate`) and self-healing: they differ only in who decided.
 */
export class ActionRunner {
  constructor(
    private readonly deps: RemediatorDeps,
    /** Pending approvals for a follow-up diagnosis that still fails (its buttons are the next step). */
    private readonly propose: (report: Report, origin: RunOrigin) => Promise<Approvals>,
  ) {}

  private now = () => this.deps.clock.now().toISOString();
  private audit = (e: Omit<AuditInput, 'at'>) => this.deps.store.audit({ at: this.now(), ...e });
  private readonly busy = new Set<string>();

  /**
   * One run of an action on a site at a time, whoever decided it (a click, self-healing, the
   * terminal): the release function, or undefined when that action is running already.
   */
  lock(site: string, actionId: string): (() => void) | undefined {
    const key = `${site}\u0000${actionId}`;
    if (this.busy.has(key)) return undefined;
    this.busy.add(key);
    return () => this.busy.delete(key);
  }

  /**
   * Run an action and verify: shared by approvals, the terminal (`medic remediate`) and
   * self-healing. Returns whether the site recovered.
   */
  async run(
    site: string,
    action: ProposedAction,
    by: string,
    chat: RemediationSink,
    o: RunOptions,
  ): Promise<{ ok: boolean; recovered: boolean }> {
    const sink = quietSink(chat, this.deps.logger);
    const pendingId = o.pending?.id ?? null;
    let execution: Execution;
    try {
      execution = await this.execute(site, action, by, sink, o);
    } catch (err) {
      // Whatever went wrong (an unknown host, a chat call), the attempt is still audited.
      execution = { ok: false, steps: [], durationMs: 0, error: toSafeError(err, 'action.failed') };
    }
    if (o.pending) await this.deps.store.transition(o.pending.id, 'approved', 'executed', by, this.now());
    await this.audit({
      site,
      pendingId,
      event: 'executed',
      actor: by,
      detail: {
        action: action.id,
        auto: o.auto,
        ok: execution.ok,
        durationMs: execution.durationMs,
        steps: execution.steps.map((s) => ({ command: s.display, code: s.code, durationMs: s.durationMs })),
        ...(execution.error ? { error: execution.error } : {}),
      },
    });
    await sink({ type: 'remediation-done', site, action, execution });
    if (!execution.ok || action.risk === 'read') return { ok: execution.ok, recovered: false };
    try {
      return { ok: true, recovered: await this.verify(site, action, by, sink, o) };
    } catch (err) {
      const error = toSafeError(err, 'verify.failed');
      await this.audit({
        site,
        pendingId,
        event: 'verified',
        actor: by,
        detail: { action: action.id, recovered: false, error },
      });
      await sink({
        type: 'remediation-verified',
        site,
        action,
        recovered: false,
        seconds: 0,
        headline: error.message,
      });
      return { ok: true, recovered: false };
    }
  }

  /** Plan on the host (a failure to plan runs nothing), announce the exact steps, run them. */
  private async execute(
    site: string,
    action: ProposedAction,
    by: string,
    sink: RemediationSink,
    o: RunOptions,
  ): Promise<Execution> {
    const ctx = openActionContext(this.deps.inventory, action.host, this.deps);
    try {
      let steps: Step[];
      try {
        steps = await actionDef(action.kind).plan(action.params, ctx);
      } catch (err) {
        return { ok: false, steps: [], durationMs: 0, error: toSafeError(err, 'action.plan') };
      }
      // What was proposed (resolved on the host then) must be what runs: a deploy in between
      // would make "the previous release" a different one.
      const expected = o.expectedSteps ?? o.pending?.plannedSteps;
      const now = steps.map((s) => s.display);
      if (!expected && o.pending && action.risk === 'rollback') {
        const message = 'this rollback was not resolved when it was proposed; diagnose again';
        return { ok: false, steps: [], durationMs: 0, error: { code: 'action.unresolved', message } };
      }
      if (expected && expected.join('\n') !== now.join('\n')) {
        const message = `the host changed since this was proposed (now: ${now.join(' && ')}); diagnose again`;
        return { ok: false, steps: [], durationMs: 0, error: { code: 'action.changed', message } };
      }
      await sink({ type: 'remediation-started', site, action, by, auto: o.auto, steps: now });
      return await executePlan(steps, ctx);
    } finally {
      await ctx.close().catch(() => undefined);
    }
  }

  private async verify(
    site: string,
    action: ProposedAction,
    by: string,
    sink: RemediationSink,
    o: RunOptions,
  ): Promise<boolean> {
    const cfg = this.deps.inventory.sites[site];
    // Follow-up proposals keep the original requester: four-eyes holds for the next step too.
    const requestedBy = o.pending?.requestedBy ?? o.origin?.requestedBy ?? by;
    const channel = o.pending?.channel ?? o.origin?.channel;
    const threadTs = o.pending?.threadTs ?? o.origin?.threadTs;
    const origin: RunOrigin = {
      trigger: o.origin?.trigger ?? (channel ? 'slack' : 'cli'),
      requestedBy,
      ...(channel ? { channel } : {}),
      ...(threadTs ? { threadTs } : {}),
    };
    const { timeoutSeconds, intervalSeconds } = this.deps.policy.verify;
    const v = await verifyRecovery(
      {
        probe: async () => {
          if (!cfg) return false;
          const r = await this.deps.http.get(cfg.url, {
            timeoutMs: 5000,
            ...(cfg.hostHeader ? { hostHeader: cfg.hostHeader } : {}),
          });
          // A loose gate (no server error); the diagnosis's own probe check decides recovery.
          return r.status !== null && r.status < 500;
        },
        diagnose: () => this.deps.diagnose(site, origin, o.playbook ?? o.pending?.playbook),
        clock: this.deps.clock,
        sleep: this.deps.sleep,
      },
      {
        timeoutMs: timeoutSeconds * 1000,
        intervalMs: intervalSeconds * 1000,
        causeIds: o.causes ?? o.pending?.causes ?? [],
      },
    );
    await this.audit({
      site,
      pendingId: o.pending?.id ?? null,
      event: 'verified',
      actor: by,
      detail: {
        action: action.id,
        recovered: v.recovered,
        seconds: Math.round(v.seconds * 10) / 10,
        attempts: v.attempts,
        report: v.report?.id,
      },
    });
    await sink({
      type: 'remediation-verified',
      site,
      action,
      recovered: v.recovered,
      seconds: v.seconds,
      headline: v.report?.headline ?? '',
    });
    if (!v.recovered && v.report) {
      // Still failing: the newest diagnosis, with its own buttons (e.g. rollback), is the next step.
      const approvals = await this.propose(v.report, origin).catch((err: unknown) => {
        this.deps.logger.error({ err, report: v.report?.id }, 'could not propose the next step');
        return undefined;
      });
      await sink({ type: 'report', report: v.report, ...(approvals ? { approvals } : {}) });
    }
    return v.recovered;
  }
}
