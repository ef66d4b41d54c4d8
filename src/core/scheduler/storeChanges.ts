import type { Schedule } from './schedule.js';
import type { StoredSchedule } from './scheduleStore.js';

export interface StoreChanges {
  /** In the store, not here: added by another process. */
  added: StoredSchedule[];
  /** Here, not in the store: removed by another process. */
  removed: string[];
  /** Definition changed elsewhere (paused or resumed, typically); `rearm` when its timing changed. */
  changed: Array<{ schedule: Schedule; rearm: boolean }>;
}

const fields: ReadonlyArray<keyof Schedule> = [
  'cron',
  'timezone',
  'site',
  'playbook',
  'channel',
  'remindEveryMinutes',
  'missedGraceSeconds',
  'paused',
  'source',
  'createdBy',
  'createdAt',
];

/**
 * Pure: what other processes sharing the store changed, compared with the schedules this one
 * runs (a standby process's chat commands write to the store; the lease holder picks them up).
 */
export function storeChanges(current: ReadonlyMap<string, Schedule>, rows: StoredSchedule[]): StoreChanges {
  const out: StoreChanges = { added: [], removed: [], changed: [] };
  const ids = new Set<string>();
  for (const row of rows) {
    const s = row.schedule;
    ids.add(s.id);
    const mine = current.get(s.id);
    if (!mine) {
      out.added.push(row);
      continue;
    }
    if (fields.every((f) => mine[f] === s[f])) continue;
    const timing = mine.cron !== s.cron || mine.timezone !== s.timezone || mine.paused !== s.paused;
    out.changed.push({ schedule: s, rearm: timing && !s.paused });
  }
  for (const id of current.keys()) if (!ids.has(id)) out.removed.push(id);
  return out;
}
