import { initialIncidentState } from './incidentTracker.js';
import type { Schedule } from './schedule.js';
import type { ScheduleRuntime, ScheduleStore, StoredSchedule } from './scheduleStore.js';

/**
 * In-memory ScheduleStore (tests, and runs without a store). Values are copied in and out. It
 * has no lease: nothing else can share it, so this process always runs the schedules.
 */
export class MemoryScheduleStore implements ScheduleStore {
  private readonly rows = new Map<string, StoredSchedule>();

  async list(): Promise<StoredSchedule[]> {
    return [...this.rows.values()]
      .sort((a, b) => (a.schedule.id < b.schedule.id ? -1 : a.schedule.id > b.schedule.id ? 1 : 0))
      .map((r) => structuredClone(r));
  }

  async upsert(schedule: Schedule): Promise<void> {
    const runtime = this.rows.get(schedule.id)?.runtime ?? { incident: { ...initialIncidentState } };
    this.rows.set(schedule.id, { schedule: structuredClone(schedule), runtime });
  }

  async insert(schedule: Schedule): Promise<boolean> {
    if (this.rows.has(schedule.id)) return false;
    await this.upsert(schedule);
    return true;
  }

  async remove(id: string): Promise<boolean> {
    return this.rows.delete(id);
  }

  async setPaused(id: string, paused: boolean): Promise<boolean> {
    const row = this.rows.get(id);
    if (row) row.schedule.paused = paused;
    return row !== undefined;
  }

  async saveRuntime(id: string, runtime: ScheduleRuntime): Promise<void> {
    const row = this.rows.get(id);
    if (row) row.runtime = structuredClone(runtime);
  }
}
