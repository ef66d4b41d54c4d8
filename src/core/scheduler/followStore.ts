import type { Schedule } from './schedule.js';
import type { ScheduleEntry } from './scheduleEntry.js';
import type { ScheduleFiring } from './scheduleFiring.js';
import type { ScheduleRuntime, StoredSchedule } from './scheduleStore.js';
import { storeChanges } from './storeChanges.js';

/**
 * The lease holder applies what other processes sharing the store changed (a standby's chat
 * commands): schedules added there are armed, removed ones forgotten, paused or resumed ones
 * stopped or re-armed. The holder's own runtime state stays authoritative.
 */
export async function followStore(
  entries: Map<string, ScheduleEntry>,
  rows: StoredSchedule[],
  now: Date,
  o: {
    firing: ScheduleFiring;
    makeEntry: (s: Schedule, runtime: ScheduleRuntime) => ScheduleEntry;
    armChecked: (entry: ScheduleEntry, now: Date) => Promise<void>;
    /** False once the scheduler stopped or lost the lease meanwhile. */
    current: () => boolean;
  },
): Promise<void> {
  const changes = storeChanges(new Map([...entries].map(([id, e]) => [id, e.schedule])), rows);
  for (const id of changes.removed) {
    entries.get(id)?.timer.cancel();
    entries.delete(id);
  }
  for (const { schedule, rearm } of changes.changed) {
    const entry = entries.get(schedule.id);
    if (!entry) continue;
    entry.schedule = schedule;
    if (schedule.paused) {
      entry.timer.cancel();
      o.firing.clearNext(entry);
    } else if (rearm) o.firing.armNext(entry, now);
  }
  for (const row of changes.added) {
    const entry = o.makeEntry(row.schedule, row.runtime);
    entries.set(row.schedule.id, entry);
    if (!row.schedule.paused) await o.armChecked(entry, now);
    if (!o.current()) return;
  }
}
