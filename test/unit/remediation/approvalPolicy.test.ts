import { describe, expect, it } from 'vitest';
import {
  approvalPolicySchema,
  decideApproval,
  type PendingApproval,
} from '../../../src/core/remediation/approvalPolicy.js';

const policy = approvalPolicySchema.parse({
  approvers: [
    { users: ['UOPS'], maxRisk: 'rollback' },
    { groups: ['SSHOP'], sites: ['shop'], maxRisk: 'restart' },
    { users: ['UJUNIOR'], maxRisk: 'reload' },
  ],
});
const now = new Date('2026-11-22T10:00:00Z');
const pending = (over: Partial<PendingApproval> = {}): PendingApproval => ({
  id: 'p1',
  site: 'shop',
  reportId: 'r1',
  actionId: 'restart-unit:web1:php8.2-fpm.service',
  risk: 'restart',
  requestedBy: 'UASKER',
  expiresAt: '2026-11-22T10:15:00Z',
  state: 'pending',
  ...over,
});
const code = (d: ReturnType<typeof decideApproval>) => (d.ok ? 'ok' : d.code);

describe('decideApproval', () => {
  it('lets a listed user or a member of a listed group approve', () => {
    expect(code(decideApproval(policy, pending(), { userId: 'UOPS', groups: [] }, now))).toBe('ok');
    expect(code(decideApproval(policy, pending(), { userId: 'UANY', groups: ['SSHOP'] }, now))).toBe('ok');
  });

  it('refuses non-approvers, other sites and risks above the approver', () => {
    expect(code(decideApproval(policy, pending(), { userId: 'URANDOM', groups: [] }, now))).toBe(
      'not-approver',
    );
    expect(
      code(decideApproval(policy, pending({ site: 'api' }), { userId: 'UANY', groups: ['SSHOP'] }, now)),
    ).toBe('not-approver');
    expect(code(decideApproval(policy, pending(), { userId: 'UJUNIOR', groups: [] }, now))).toBe(
      'risk-too-high',
    );
    expect(
      code(decideApproval(policy, pending({ risk: 'reload' }), { userId: 'UJUNIOR', groups: [] }, now)),
    ).toBe('ok');
  });

  it('four-eyes: the requester cannot approve a restart, may approve a reload (configurable)', () => {
    expect(
      code(decideApproval(policy, pending({ requestedBy: 'UOPS' }), { userId: 'UOPS', groups: [] }, now)),
    ).toBe('self-approval');
    expect(
      code(
        decideApproval(
          policy,
          pending({ requestedBy: 'UOPS', risk: 'reload' }),
          { userId: 'UOPS', groups: [] },
          now,
        ),
      ),
    ).toBe('ok');
    const relaxed = approvalPolicySchema.parse({
      approvers: [{ users: ['UOPS'] }],
      fourEyes: { restart: false },
    });
    expect(
      code(decideApproval(relaxed, pending({ requestedBy: 'UOPS' }), { userId: 'UOPS', groups: [] }, now)),
    ).toBe('ok');
  });

  it('single use and expiry', () => {
    for (const state of ['approved', 'rejected', 'executed', 'expired', 'stale'] as const) {
      expect(code(decideApproval(policy, pending({ state }), { userId: 'UOPS', groups: [] }, now))).toBe(
        'already-decided',
      );
    }
    expect(
      code(
        decideApproval(
          policy,
          pending({ expiresAt: '2026-11-22T10:00:00Z' }),
          { userId: 'UOPS', groups: [] },
          now,
        ),
      ),
    ).toBe('expired');
  });

  it('stale when a newer diagnosis no longer proposes the action', () => {
    const actor = { userId: 'UOPS', groups: [] };
    expect(code(decideApproval(policy, pending(), actor, now, { reportId: 'r2', actionIds: [] }))).toBe(
      'stale',
    );
    expect(
      code(
        decideApproval(policy, pending(), actor, now, {
          reportId: 'r2',
          actionIds: ['restart-unit:web1:php8.2-fpm.service'],
        }),
      ),
    ).toBe('ok');
    expect(code(decideApproval(policy, pending(), actor, now, { reportId: 'r1', actionIds: [] }))).toBe('ok');
  });

  it('rejects unknown keys and bad ids in the policy config', () => {
    expect(approvalPolicySchema.safeParse({ approvers: [{ users: ['bob'] }] }).success).toBe(false);
    expect(approvalPolicySchema.safeParse({ approvers: [], fourEyes: { nuke: true } }).success).toBe(false);
  });
});
