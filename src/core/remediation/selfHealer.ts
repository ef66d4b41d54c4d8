import type { ProposedAction } from '../model/action.js';
import type { Report } from '../model/report.js';
import type { RunOrigin } from '../ports.js';
import type { ActionRunner } from './actionRunner.js';
import type { SelfHealRule } from './remediationPolicy.js';
import { quietSink, type RemediationSink } from './remediationSink.js';
import type { HealKey, RemediationStore } from './remediationStore.js';
import type { RemediatorDeps } from './remediatorDeps.js';

const ACTOR = 'medic:self-heal';

/** The first action a rule allows for this report: its cause found (≥ 50 %), its kind, its target. */
export function healCandidate(
  rules: readonly SelfHealRule[],
  report: Report,
): { rule: SelfHealRule; action: ProposedAction } | undefined {
  for (const rule of rules) {
    if (rule.sites && !rule.sites.includes(report.site)) continue;
    for (const cause of report.causes) {
      if (cause.id !== rule.cause || cause.confidence < 0.5) continue;
      const action = cause.actions.find(
        (a) => a.kind === rule.action && (rule.target === undefined || a.target === rule.target),
      );
      if (action) return { rule, action };
    }
  }
  return undefined;
}

/**
 * Self-healing within a budget: a rule lets a low-risk action run without a click, at most
 * `maxRuns` per site and action in a sliding window. When the budget is spent the breaker opens
 * and humans are told; it stays open (persisted) until a human-decided run verifies the site
 * recovered.
 */
export class SelfHealer {
  constructor(
    private readonly deps: RemediatorDeps,
    private readonly runner: ActionRunner,
    /** Keeps a run where shutdown waits for it. */
    private readonly track: <T>(p: Promise<T>) => Promise<T> = (p) => p,
  ) {}

  private get store(): RemediationStore {
    return this.deps.store;
  }

  /** After a new diagnosis (reported or scheduled, never a verification): heal if allowed. */
  async afterDiagnosis(
    report: Report,
    origin: RunOrigin,
    chat: RemediationSink,
  ): Promise<'healed' | 'failed' | 'paused' | 'none'> {
    const sink = quietSink(chat, this.deps.logger);
    if (report.status === 'healthy') return 'none';
    const found = healCandidate(this.deps.policy.selfHealing, report);
    if (!found) return 'none';
    const { rule, action } = found;
    const key: HealKey = { site: report.site, actionId: action.id };
    const now = this.deps.clock.now();
    const open = await this.store.breaker(key);
    if (open) {
      await sink({ type: 'heal-paused', site: report.site, action, opened: false, reason: open.reason });
      return 'paused';
    }
    // One run per site and action at a time, whoever started it (a report and a schedule may
    // race here, or a human may be approving the same restart): if it is running, it is handled.
    const release = this.runner.lock(key.site, key.actionId);
    if (!release) return 'none';
    try {
      return await this.track(this.heal(report, origin, sink, rule, action, key, now));
    } finally {
      release();
    }
  }

  private async heal(
    report: Report,
    origin: RunOrigin,
    sink: RemediationSink,
    rule: SelfHealRule,
    action: ProposedAction,
    key: HealKey,
    now: Date,
  ): Promise<'healed' | 'failed' | 'paused'> {
    const since = new Date(now.getTime() - rule.windowMinutes * 60_000).toISOString();
    // Count and record in one transaction: across processes, the budget is spent at most once per run.
    const claim = await this.store.claimHealRun(key, since, rule.maxRuns, now.toISOString());
    if (!claim.ok) {
      const runs = claim.runs;
      const reason = `${runs} automatic run(s) of "${action.title}" in the last ${rule.windowMinutes} min did not keep ${report.site} up; a human must approve the next one`;
      await this.store.setBreaker(key, { openedAt: now.toISOString(), reason });
      await this.store.audit({
        at: now.toISOString(),
        site: report.site,
        pendingId: null,
        event: 'breaker-open',
        actor: ACTOR,
        detail: { action: action.id, runs, windowMinutes: rule.windowMinutes, report: report.id },
      });
      await sink({ type: 'heal-paused', site: report.site, action, opened: true, reason });
      return 'paused';
    }
    const runs = claim.runs - 1;
    await this.store.audit({
      at: now.toISOString(),
      site: report.site,
      pendingId: null,
      event: 'auto-approved',
      actor: ACTOR,
      detail: {
        action: action.id,
        rule: {
          cause: rule.cause,
          action: rule.action,
          maxRuns: rule.maxRuns,
          windowMinutes: rule.windowMinutes,
        },
        run: runs + 1,
        report: report.id,
        requestedBy: origin.requestedBy ?? origin.trigger,
        evidence: report.causes.find((c) => c.id === rule.cause)?.evidence.slice(0, 8) ?? [],
      },
    });
    const r = await this.runner.run(report.site, action, ACTOR, sink, {
      auto: true,
      causes: [rule.cause],
      origin,
    });
    return r.recovered ? 'healed' : 'failed';
  }

  /**
   * A human-decided run (any action: the restart, a rollback) that verified the site recovered
   * closes the site's breakers: a person has seen it through, so automation may try again.
   */
  async humanRecovered(site: string, by: string): Promise<void> {
    for (const open of await this.store.openBreakers(site)) {
      const key = { site, actionId: open.actionId };
      await this.store.setBreaker(key, undefined);
      // A fresh budget: the automatic runs that led to the breaker no longer count.
      await this.store.resetHealRuns(key);
      await this.store.audit({
        at: this.deps.clock.now().toISOString(),
        site,
        pendingId: null,
        event: 'breaker-closed',
        actor: by,
        detail: { action: open.actionId, openedAt: open.openedAt },
      });
    }
  }
}
