import type { Approvals } from '../model/approvals.js';
import type { Report } from '../model/report.js';
import type { RunOrigin } from '../ports.js';
import { actionDefs } from './actionCatalog.js';
import type { ActionPlanner } from './actionPlanner.js';
import { pendingRecord } from './pendingRecord.js';
import type { RemediatorDeps } from './remediatorDeps.js';

/**
 * Store one pending approval per executable action of a report (audited as proposed) and
 * return them for the buttons. A rollback's target depends on the host's state, so it is
 * resolved now (all of them at once: a host that is down costs one timeout, not one each) and
 * approving it later runs exactly those steps.
 */
export async function proposeActions(
  deps: RemediatorDeps,
  planner: ActionPlanner,
  report: Report,
  origin: RunOrigin,
): Promise<Approvals> {
  const actions = report.actions.filter((a) => !a.manual && actionDefs.has(a.kind));
  const pins = await Promise.all(
    actions.map((a) => (a.risk === 'rollback' ? planner.pin(a) : Promise.resolve(undefined))),
  );
  const approvals: Approvals = {};
  for (const [i, action] of actions.entries()) {
    const pin = pins[i];
    const pending = pendingRecord(report, action, origin, {
      id: deps.newId(),
      createdAt: deps.clock.now(),
      expiryMinutes: deps.policy.expiryMinutes,
      pin,
    });
    await deps.store.createPending(pending);
    await deps.store.audit({
      at: deps.clock.now().toISOString(),
      site: report.site,
      pendingId: pending.id,
      event: 'proposed',
      actor: pending.requestedBy,
      detail: {
        action: action.id,
        risk: action.risk,
        report: report.id,
        commands: pending.plannedSteps ?? action.preview,
        ...(pending.pinError ? { unresolved: pending.pinError } : {}),
        expiresAt: pending.expiresAt,
      },
    });
    approvals[action.id] = {
      id: pending.id,
      ...(pending.plannedSteps ? { steps: pending.plannedSteps } : {}),
    };
  }
  return approvals;
}
