import { describe, expect, it } from 'vitest';
import { INTERRUPTED } from '../../../src/core/engine/runningDiagnoses.js';
import { StoppableTransports } from '../../../src/core/engine/stoppableTransports.js';
import type { ProgressEvent } from '../../../src/core/model/progress.js';
import { diagnoser, heldTransports, ScriptedStore } from '../../support/diagnoserKit.js';

const origin = { trigger: 'slack' as const, requestedBy: 'U7', channel: 'C1', threadTs: '1.2' };

async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!test()) throw new Error('condition never held');
}

describe('Diagnoser at shutdown', () => {
  it('a run under way: drained when it finishes, stored as a report', async () => {
    const held = heldTransports();
    const store = new ScriptedStore();
    const d = diagnoser({ store, transports: held });
    const run = d.diagnose('shop', { playbook: 'mem', origin });
    await until(() => held.execs.length === 2);
    expect(d.running.size).toBe(1);
    expect(await d.running.drain(20)).toBe(false);
    held.release();
    expect(await d.running.drain(1000)).toBe(true);
    expect((await run).status).toBe('healthy');
    expect(store.reports).toHaveLength(1);
    expect(await d.interrupt()).toEqual([]);
  });

  it('a run still collecting when interrupted: its caller hears it at once, the run is stored as interrupted', async () => {
    const held = heldTransports();
    const transports = new StoppableTransports(held);
    const store = new ScriptedStore();
    const d = diagnoser({ store, transports });
    const events: ProgressEvent[] = [];
    const run = d.diagnose('shop', { playbook: 'mem', origin, onProgress: (e) => events.push(e) });
    run.catch(() => undefined);
    await until(() => events.some((e) => e.type === 'check-finished'));
    const records = await d.interrupt();
    await expect(run).rejects.toMatchObject({
      code: INTERRUPTED,
      userMessage:
        'Diagnosis of shop interrupted by shutdown after 1/2 checks: nothing was concluded. Ask again when Medic is back.',
    });
    expect(records).toEqual([
      {
        id: 'r1',
        site: 'shop',
        playbook: 'mem',
        state: 'interrupted',
        reason: 'shutdown',
        startedAt: '2026-11-22T00:00:00.000Z',
        endedAt: '2026-11-22T00:00:00.000Z',
        checksDone: 1,
        checksTotal: 2,
        origin,
      },
    ]);
    expect(store.runs).toEqual(records);
    expect(store.reports).toEqual([]);
    // The hung command is ended by closing the transports; then the run is gone.
    await transports.stop();
    expect(await d.running.drain(1000)).toBe(true);
    expect(held.closed.sort()).toEqual(['web1', 'web2']);
    // Nothing new starts once stopped.
    await expect(d.diagnose('shop', { playbook: 'mem' })).rejects.toMatchObject({
      code: INTERRUPTED,
      userMessage: 'Medic is shutting down: shop was not diagnosed. Ask again when it is back.',
    });
  });
});
