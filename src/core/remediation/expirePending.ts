import type { PendingRecord, RemediationStore } from './remediationStore.js';

/** Mark one pending action expired (exactly once, audited). */
export async function expirePending(store: RemediationStore, p: PendingRecord, at: string): Promise<boolean> {
  if (!(await store.transition(p.id, 'pending', 'expired', 'medic', at))) return false;
  await store.audit({
    at,
    site: p.site,
    pendingId: p.id,
    event: 'expired',
    actor: null,
    detail: { action: p.actionId, expiresAt: p.expiresAt },
  });
  return true;
}
