import { describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../../src/core/scheduler/incidentTracker.js';
import { deferred, harness, healthy, schedule } from './fakes.js';

/** A run function whose runs finish only when the test says so. */
function controlledRuns() {
  const started: Array<ReturnType<typeof deferred<RunOutcome>>> = [];
  const run = () => {
    const d = deferred<RunOutcome>();
    started.push(d);
    return d.promise;
  };
  return { started, run };
}

describe('Scheduler overlap', () => {
  it('never stacks runs: a slow run gives one slow-run event, and the schedule goes on', async () => {
    const c = controlledRuns();
    const h = harness('2026-01-01T00:00:30.000Z', { run: c.run });
    await h.scheduler.add(schedule());
    await h.scheduler.start();
    await h.timers.advanceTo('2026-01-01T00:01:00.000Z');
    expect(c.started).toHaveLength(1);
    expect(h.scheduler.list()[0]?.running).toBe(true);

    await h.timers.advanceTo('2026-01-01T00:04:30.000Z'); // 00:02, 00:03, 00:04 come and go
    expect(c.started).toHaveLength(1);
    expect(h.events).toEqual([{ type: 'slow-run', schedule: schedule(), runningForMs: 60_000 }]);

    c.started[0]?.resolve(healthy('r1'));
    await h.timers.advanceTo('2026-01-01T00:05:00.000Z');
    expect(c.started).toHaveLength(2);
    // lastRunAt is the start of the last finished run
    expect(h.scheduler.list()[0]?.runtime.lastRunAt).toBe('2026-01-01T00:01:00.000Z');
    expect(h.events).toHaveLength(1);
  });

  it('reports each slow run once', async () => {
    const c = controlledRuns();
    const h = harness('2026-01-01T00:00:30.000Z', { run: c.run });
    await h.scheduler.add(schedule());
    await h.scheduler.start();
    await h.timers.advanceTo('2026-01-01T00:02:30.000Z');
    c.started[0]?.resolve(healthy('r1'));
    await h.timers.advanceTo('2026-01-01T00:04:30.000Z'); // second run starts 00:03, still going at 00:04
    c.started[1]?.resolve(healthy('r2'));
    await h.timers.advanceTo('2026-01-01T00:05:30.000Z'); // third run starts at 00:05, quick
    c.started[2]?.resolve(healthy('r3'));
    await h.timers.advanceTo('2026-01-01T00:06:30.000Z');
    expect(c.started).toHaveLength(4);
    expect(h.events.map((e) => e.type === 'slow-run' && e.runningForMs)).toEqual([60_000, 60_000]);
  });

  it('runNow respects a run in progress and waits for its own run', async () => {
    const c = controlledRuns();
    const h = harness('2026-01-01T00:00:30.000Z', { run: c.run });
    await h.scheduler.add(schedule());
    await h.scheduler.start();
    await h.timers.advanceTo('2026-01-01T00:01:00.000Z');
    expect(await h.scheduler.runNow('shop-health')).toBe(false);
    expect(c.started).toHaveLength(1);

    c.started[0]?.resolve(healthy('r1'));
    await h.timers.advance(1);
    const now = h.scheduler.runNow('shop-health');
    await h.timers.advance(1);
    expect(c.started).toHaveLength(2);
    c.started[1]?.resolve(healthy('r2'));
    expect(await now).toBe(true);
    expect(h.scheduler.list()[0]?.running).toBe(false);
  });

  it('stop() clears timers and waits for the run in progress, whose state is still saved', async () => {
    const c = controlledRuns();
    const h = harness('2026-01-01T00:00:30.000Z', { run: c.run });
    await h.scheduler.add(schedule());
    await h.scheduler.start();
    await h.timers.advanceTo('2026-01-01T00:01:00.000Z');
    let stopped = false;
    const stopping = h.scheduler.stop().then(() => {
      stopped = true;
    });
    await h.timers.advance(1);
    expect(stopped).toBe(false);
    expect(h.timers.pending).toBe(0);
    c.started[0]?.resolve({ id: 'r1', status: 'down', topCause: 'x', startedAt: '' });
    await stopping;
    expect((await h.store.list())[0]?.runtime.incident.status).toBe('failing');
    expect(h.events.map((e) => e.type)).toEqual(['incident']);
  });
});
