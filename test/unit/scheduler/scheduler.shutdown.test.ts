import { describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../../src/core/scheduler/incidentTracker.js';
import { MemoryScheduleStore } from '../../../src/core/scheduler/memoryScheduleStore.js';
import type { ScheduleRuntime, StoredSchedule } from '../../../src/core/scheduler/scheduleStore.js';
import { deferred, flush, harness, healthy, schedule } from './fakes.js';

/** A memory store whose next list() waits for the test, and which records runtime saves. */
class SlowStore extends MemoryScheduleStore {
  gate: ReturnType<typeof deferred<void>> | undefined;
  readonly saves: string[] = [];
  override async list(): Promise<StoredSchedule[]> {
    const rows = await super.list();
    await this.gate?.promise;
    return rows;
  }
  override async saveRuntime(id: string, runtime: ScheduleRuntime): Promise<void> {
    this.saves.push(id);
    return super.saveRuntime(id, runtime);
  }
}

function controlledRuns() {
  const started: Array<ReturnType<typeof deferred<RunOutcome>>> = [];
  return {
    started,
    run: () => {
      const d = deferred<RunOutcome>();
      started.push(d);
      return d.promise;
    },
  };
}

describe('Scheduler start, stop and runs per id', () => {
  it('stop() during start(): nothing is armed or saved afterwards', async () => {
    const store = new SlowStore();
    await store.upsert(schedule());
    store.gate = deferred<void>();
    const h = harness('2026-01-01T00:00:30.000Z', { store });
    const starting = h.scheduler.start();
    await flush();
    const stopping = h.scheduler.stop();
    store.gate.resolve();
    await Promise.all([starting, stopping]);
    expect(h.timers.pending).toBe(0);
    expect(store.saves).toEqual([]);
    await h.timers.advance(5 * 60_000);
    expect(h.runs).toEqual([]);
    // It can start again afterwards.
    store.gate = undefined;
    await h.scheduler.start();
    expect(h.timers.pending).toBe(1);
  });

  it('runNow needs a started scheduler', async () => {
    const h = harness('2026-01-01T00:00:30.000Z');
    await h.scheduler.add(schedule());
    await expect(h.scheduler.runNow('shop-health')).rejects.toMatchObject({ code: 'schedule.stopped' });
    await h.scheduler.start();
    expect(await h.scheduler.runNow('shop-health')).toBe(true);
    await h.scheduler.stop();
    await expect(h.scheduler.runNow('shop-health')).rejects.toMatchObject({ code: 'schedule.stopped' });
    expect(h.runs).toHaveLength(1);
  });

  it('removing and adding a schedule again while it runs does not start a second run of it', async () => {
    const c = controlledRuns();
    const h = harness('2026-01-01T00:00:30.000Z', { run: c.run });
    await h.scheduler.start();
    await h.scheduler.add(schedule());
    await h.timers.advanceTo('2026-01-01T00:01:00.000Z');
    expect(c.started).toHaveLength(1);
    await h.scheduler.remove('shop-health');
    await h.scheduler.add(schedule());
    expect(h.scheduler.list()[0]?.running).toBe(true);
    expect(await h.scheduler.runNow('shop-health')).toBe(false);
    await h.timers.advanceTo('2026-01-01T00:02:00.000Z');
    expect(c.started).toHaveLength(1);
    expect(h.events).toMatchObject([{ type: 'slow-run' }]);

    // The removed run's result is dropped; the new entry runs at its next fire time.
    c.started[0]?.resolve({ id: 'old', status: 'down', topCause: 'x', startedAt: '' });
    await h.timers.advanceTo('2026-01-01T00:03:00.000Z');
    expect(c.started).toHaveLength(2);
    expect(h.scheduler.list()[0]?.runtime.incident.status).toBe('unknown');
    c.started[1]?.resolve(healthy('new'));
    await flush();
    expect(h.scheduler.list()[0]?.runtime.incident.status).toBe('healthy');
  });

  it('stop() waits for the run of a schedule removed meanwhile', async () => {
    const c = controlledRuns();
    const h = harness('2026-01-01T00:00:30.000Z', { run: c.run });
    await h.scheduler.start();
    await h.scheduler.add(schedule());
    await h.timers.advanceTo('2026-01-01T00:01:00.000Z');
    await h.scheduler.remove('shop-health');
    let stopped = false;
    const stopping = h.scheduler.stop().then(() => {
      stopped = true;
    });
    await h.timers.advance(1);
    expect(stopped).toBe(false);
    c.started[0]?.resolve(healthy('r1'));
    await stopping;
    expect(stopped).toBe(true);
  });
});
