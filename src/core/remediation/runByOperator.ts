import type { ProposedAction } from '../model/action.js';
import type { Report } from '../model/report.js';
import type { ActionRunner, RemediationSink } from './actionRunner.js';
import { causesOf } from './pendingRecord.js';
import type { RemediatorDeps } from './remediatorDeps.js';
import type { SelfHealer } from './selfHealer.js';

export interface OperatorRunDeps extends RemediatorDeps {
  runner: ActionRunner;
  healer: SelfHealer;
  track<T>(p: Promise<T>): Promise<T>;
}

/**
 * An operator at a terminal (`medic remediate`): holding the config and keys is the authority,
 * so there is no approval step; the same one-run-at-a-time lock, audit and verification apply.
 */
export async function runByOperator(
  deps: OperatorRunDeps,
  o: {
    report: Report;
    action: ProposedAction;
    operator: string;
    sink: RemediationSink;
    /** The steps the operator confirmed: only these run (a deploy in between refuses). */
    expectedSteps?: string[] | undefined;
  },
): Promise<{ ok: boolean; recovered: boolean }> {
  const { report, action, operator, sink } = o;
  const release = deps.runner.lock(report.site, action.id);
  if (!release) {
    await sink({
      type: 'remediation-refused',
      code: 'in-progress',
      message: 'this action is running right now; wait for its result',
    });
    return { ok: false, recovered: false };
  }
  const run = async () => {
    const { causes, evidence } = causesOf(report, action);
    await deps.store.audit({
      at: deps.clock.now().toISOString(),
      site: report.site,
      pendingId: null,
      event: 'approved',
      actor: operator,
      detail: { action: action.id, risk: action.risk, via: 'terminal', report: report.id, causes, evidence },
    });
    const r = await deps.runner.run(report.site, action, operator, sink, {
      auto: false,
      causes,
      origin: { trigger: 'cli', requestedBy: operator },
      playbook: report.playbook,
      ...(o.expectedSteps ? { expectedSteps: o.expectedSteps } : {}),
    });
    if (r.recovered) await deps.healer.humanRecovered(report.site, operator);
    return r;
  };
  try {
    return await deps.track(run());
  } finally {
    release();
  }
}
