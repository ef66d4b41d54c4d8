import { z } from 'zod';
import { causeIds } from '../model/cause.js';
import { approvalPolicySchema } from './approvalPolicy.js';

/** Kinds that may run without a click: low risk, and they only restart what was running. */
export const selfHealKinds = [
  'restart-unit',
  'reload-unit',
  'restart-pm2',
  'restart-container',
  'reload-nginx',
] as const;

/** "When a diagnosis finds `cause`, run the proposed `action` by itself, at most maxRuns per window." */
export const selfHealRuleSchema = z
  .object({
    cause: z.enum(causeIds),
    action: z.enum(selfHealKinds),
    /** Only these sites (default: every site). */
    sites: z.array(z.string()).optional(),
    /** Only this target (unit, pm2 app, container), e.g. php8.2-fpm.service. */
    target: z.string().optional(),
    maxRuns: z.number().int().min(1).max(20).default(3),
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
  })
  .strict();
export type SelfHealRule = z.infer<typeof selfHealRuleSchema>;

/** medic.yaml `remediation:` — who approves, how recovery is verified, what heals by itself. */
export const remediationPolicySchema = approvalPolicySchema
  .extend({
    verify: z
      .object({
        /** Give up and say "still failing" after this long. */
        timeoutSeconds: z.number().int().min(5).max(1800).default(60),
        intervalSeconds: z.number().min(0.5).max(60).default(3),
      })
      .strict()
      .default({ timeoutSeconds: 60, intervalSeconds: 3 }),
    selfHealing: z.array(selfHealRuleSchema).default([]),
  })
  .strict();
export type RemediationPolicy = z.infer<typeof remediationPolicySchema>;
