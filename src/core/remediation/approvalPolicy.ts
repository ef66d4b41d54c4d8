import { z } from 'zod';
import { type Risk, riskLevels, riskRank } from '../model/action.js';

/** Who may approve what: users and Slack user groups, per site (all when omitted), up to a risk. */
export const approverRuleSchema = z
  .object({
    users: z.array(z.string().regex(/^[UW][A-Z0-9]+$/, 'a Slack user id')).default([]),
    groups: z.array(z.string().regex(/^S[A-Z0-9]+$/, 'a Slack user group id')).default([]),
    sites: z.array(z.string()).optional(),
    maxRisk: z.enum(riskLevels).default('restart'),
  })
  .strict();

export const approvalPolicySchema = z
  .object({
    approvers: z.array(approverRuleSchema).default([]),
    /** Per risk level: may the person who asked also approve? Default: not for restart and above. */
    fourEyes: z
      .object(Object.fromEntries(riskLevels.map((r) => [r, z.boolean()])) as Record<Risk, z.ZodBoolean>)
      .partial()
      .strict()
      .default({}),
    expiryMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
  })
  .strict();
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

const fourEyesDefault: Record<Risk, boolean> = {
  read: false,
  reload: false,
  restart: true,
  rollback: true,
  config: true,
};

/** What an approval decides on: the pending action as stored server-side, never a button's text. */
export interface PendingApproval {
  id: string;
  site: string;
  reportId: string;
  actionId: string;
  risk: Risk;
  requestedBy: string;
  expiresAt: string;
  state: 'pending' | 'approved' | 'rejected' | 'expired' | 'executed' | 'stale';
}

export type Refusal =
  | 'not-approver'
  | 'risk-too-high'
  | 'self-approval'
  | 'expired'
  | 'already-decided'
  | 'stale';

export type Decision = { ok: true } | { ok: false; code: Refusal; message: string };

/**
 * May `actor` approve `pending` now? Pure. `latest` is the newest diagnosis of the site: an
 * approval is stale when a newer report no longer proposes the same action.
 */
export function decideApproval(
  policy: ApprovalPolicy,
  pending: PendingApproval,
  actor: { userId: string; groups: readonly string[] },
  now: Date,
  latest?: { reportId: string; actionIds: readonly string[] },
): Decision {
  const refuse = (code: Refusal, message: string): Decision => ({ ok: false, code, message });
  // Who first: a click by someone who may not approve changes nothing, whatever the state.
  const rules = approverRules(policy, pending.site, actor);
  if (rules.length === 0) return refuse('not-approver', `you are not an approver for ${pending.site}`);
  if (pending.state !== 'pending')
    return refuse('already-decided', `this action was already ${pending.state}`);
  if (now.getTime() >= Date.parse(pending.expiresAt))
    return refuse('expired', 'this approval request has expired; diagnose again');
  if (latest && latest.reportId !== pending.reportId && !latest.actionIds.includes(pending.actionId)) {
    return refuse('stale', 'a newer diagnosis of this site no longer proposes this action');
  }
  if (!rules.some((r) => riskRank(pending.risk) <= riskRank(r.maxRisk))) {
    return refuse('risk-too-high', `you may not approve ${pending.risk} actions on ${pending.site}`);
  }
  const fourEyes = policy.fourEyes[pending.risk] ?? fourEyesDefault[pending.risk];
  if (fourEyes && actor.userId === pending.requestedBy) {
    return refuse('self-approval', 'someone other than the requester must approve this action');
  }
  return { ok: true };
}

/** The approver rules that name `actor` (as a user or through a group) for `site`. Pure. */
export function approverRules(
  policy: ApprovalPolicy,
  site: string,
  actor: { userId: string; groups: readonly string[] },
): ApprovalPolicy['approvers'] {
  return policy.approvers.filter(
    (r) =>
      (!r.sites || r.sites.includes(site)) &&
      (r.users.includes(actor.userId) || r.groups.some((g) => actor.groups.includes(g))),
  );
}
