import { describe, expect, it } from 'vitest';
import { MemoryScheduleStore } from '../../../src/core/scheduler/memoryScheduleStore.js';
import { schedule } from './fakes.js';

describe('MemoryScheduleStore', () => {
  it('keeps runtime across upserts, lists by id, and hands out copies', async () => {
    const s = new MemoryScheduleStore();
    await s.upsert(schedule({ id: 'b' }));
    await s.upsert(schedule({ id: 'a' }));
    const runtime = { nextRunAt: '2026-01-01T00:01:00.000Z', incident: { status: 'healthy' as const } };
    await s.saveRuntime('b', runtime);
    runtime.nextRunAt = 'mutated';
    await s.upsert(schedule({ id: 'b', cron: '0 * * * *' }));
    const rows = await s.list();
    expect(rows.map((r) => r.schedule.id)).toEqual(['a', 'b']);
    expect(rows[1]).toMatchObject({
      schedule: { cron: '0 * * * *' },
      runtime: { nextRunAt: '2026-01-01T00:01:00.000Z' },
    });
    if (rows[1]) rows[1].schedule.paused = true;
    expect((await s.list())[1]?.schedule.paused).toBe(false);
  });

  it('pauses, removes, and ignores runtime for unknown ids', async () => {
    const s = new MemoryScheduleStore();
    await s.upsert(schedule());
    expect(await s.setPaused('shop-health', true)).toBe(true);
    expect(await s.setPaused('nope', true)).toBe(false);
    await s.saveRuntime('nope', { incident: { status: 'unknown' } });
    expect((await s.list()).map((r) => [r.schedule.id, r.schedule.paused])).toEqual([['shop-health', true]]);
    expect(await s.remove('shop-health')).toBe(true);
    expect(await s.list()).toEqual([]);
  });
});
