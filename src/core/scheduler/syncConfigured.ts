import type { Schedule } from './schedule.js';
import type { ScheduleStore } from './scheduleStore.js';

/**
 * Make the store match medic.yaml's `schedules:`: upsert each (keeping runtime state, `paused`
 * and `createdAt`), forget the next fire time of one whose cron or zone changed (no false
 * "missed"), and remove `source: 'config'` schedules no longer declared. Chat ones are untouched.
 */
export async function syncConfigured(store: ScheduleStore, configured: readonly Schedule[]): Promise<void> {
  const stored = new Map((await store.list()).map((r) => [r.schedule.id, r]));
  const ids = new Set(configured.map((s) => s.id));
  for (const s of configured) {
    const old = stored.get(s.id);
    await store.upsert(old ? { ...s, paused: old.schedule.paused, createdAt: old.schedule.createdAt } : s);
    const moved = old && (old.schedule.cron !== s.cron || old.schedule.timezone !== s.timezone);
    if (moved && old.runtime.nextRunAt !== undefined) {
      const { nextRunAt: _dropped, ...runtime } = old.runtime;
      await store.saveRuntime(s.id, runtime);
    }
  }
  for (const r of stored.values()) {
    if (r.schedule.source === 'config' && !ids.has(r.schedule.id)) await store.remove(r.schedule.id);
  }
}
