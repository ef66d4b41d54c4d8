import { toSafeError } from '../errors.js';
import type { ProposedAction } from '../model/action.js';
import type { AuditInput } from '../model/audit.js';
import { actionDef, actionDefs } from './actionCatalog.js';
import { openActionContext } from './executePlan.js';
import type { RemediationSink } from './remediationSink.js';
import type { PendingRecord } from './remediationStore.js';
import type { RemediatorDeps } from './remediatorDeps.js';

/** What an action resolves to on its host now; `error` when it cannot be resolved. */
export type Pin = { steps: string[] } | { error: string };

/** How long pinning a rollback may hold a report back (a 502 often means a host is down). */
const PIN_TIMEOUT_MS = 10_000;

/**
 * Resolves actions into the exact commands on their hosts, changing nothing: rollback pins at
 * proposal time, the check that a pin still holds before an approval consumes it, dry runs.
 */
export class ActionPlanner {
  constructor(private readonly deps: RemediatorDeps) {}

  /** The exact steps as they would run now, resolved on the host (nothing is changed). */
  async plan(action: ProposedAction): Promise<string[]> {
    const ctx = openActionContext(this.deps.inventory, action.host, this.deps);
    try {
      return (await actionDef(action.kind).plan(action.params, ctx)).map((s) => s.display);
    } finally {
      await ctx.close().catch(() => undefined);
    }
  }

  /** What a rollback resolves to now, within 10 s; an error (host down, slow) says why not. */
  async pin(action: ProposedAction): Promise<Pin> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<Pin>((resolve) => {
      timer = setTimeout(() => resolve({ error: 'the host did not answer in time' }), PIN_TIMEOUT_MS);
    });
    try {
      return await Promise.race([
        this.plan(action).then(
          (steps): Pin => ({ steps }),
          (err: unknown): Pin => ({ error: toSafeError(err).message }),
        ),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Before an approval consumes a pinned rollback: does the host still resolve it to the steps
   * that were proposed? A refusal (code and chat-safe message) when not, or when it never was.
   */
  async checkPin(pending: PendingRecord): Promise<{ code: string; message: string } | undefined> {
    if (pending.risk !== 'rollback') return undefined;
    if (!pending.plannedSteps) {
      const why = pending.pinError ?? 'it was not resolved';
      return {
        code: 'unresolved',
        message: `this rollback could not be resolved on the host when it was proposed (${why}); diagnose again`,
      };
    }
    let now: string[];
    try {
      now = await this.plan(pending.action);
    } catch (err) {
      // The host may come back: the pending action stays approvable.
      return {
        code: 'plan-failed',
        message: `cannot check this rollback on the host now: ${toSafeError(err).message}`,
      };
    }
    if (now.join('\n') === pending.plannedSteps.join('\n')) return undefined;
    return {
      code: 'host-changed',
      message: `the host changed since this was proposed (now: ${now.join(' && ')}); diagnose again`,
    };
  }

  /** The exact commands, resolved on the host now (e.g. which release is previous). Runs nothing. */
  async dryRun(
    site: string,
    action: ProposedAction,
    actor: string,
    sink: RemediationSink,
    pendingId?: string,
  ): Promise<void> {
    const def = actionDefs.get(action.kind);
    const ctx = openActionContext(this.deps.inventory, action.host, this.deps);
    try {
      const steps = (def ? await def.plan(action.params, ctx) : []).map((s) => s.display);
      await this.audit({
        site,
        pendingId: pendingId ?? null,
        event: 'dry-run',
        actor,
        detail: { action: action.id, commands: steps },
      });
      await sink({ type: 'dry-run', site, action, steps });
    } catch (err) {
      await sink({ type: 'dry-run', site, action, steps: [], error: toSafeError(err, 'action.plan') });
    } finally {
      await ctx.close().catch(() => undefined);
    }
  }

  private audit(e: Omit<AuditInput, 'at'>): Promise<void> {
    return this.deps.store.audit({ at: this.deps.clock.now().toISOString(), ...e });
  }
}
