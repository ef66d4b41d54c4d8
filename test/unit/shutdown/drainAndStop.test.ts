import { describe, expect, it } from 'vitest';
import { InFlight } from '../../../src/core/remediation/inFlight.js';
import { drainAndStop, type ShutdownParts } from '../../../src/shutdown.js';
import { recordingLogger } from '../../support/diagnoserKit.js';

const later = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One piece of work that ends after `ms` (or when the transports are closed), and a record of the calls. */
function parts(workMs: number) {
  const calls: string[] = [];
  const inFlight = new InFlight();
  let end!: () => void;
  inFlight.track(
    new Promise<void>((r) => {
      end = r;
      setTimeout(r, workMs);
    }).then(() => calls.push('work ended')),
  );
  const logger = recordingLogger();
  const p: ShutdownParts = {
    logger,
    stopIntake: [() => calls.push('intake stopped')],
    work: { conversations: { size: () => inFlight.size, drain: (ms) => inFlight.drain(ms) } },
    interrupt: async () => {
      calls.push('interrupt');
      return 1;
    },
    endRemote: async () => {
      calls.push('end remote');
      end(); // a run whose transports close comes back
      return 1;
    },
    close: async () => {
      calls.push('close');
    },
  };
  return { p, calls, logger };
}

describe('drainAndStop', () => {
  it('work that finishes within the drain time finishes; nothing is interrupted', async () => {
    const { p, calls } = parts(50);
    const out = await drainAndStop(p, { drainMs: 2000 });
    expect(out.drained).toBe(true);
    expect(out.interrupted).toBe(0);
    expect(out.tookMs).toBeGreaterThanOrEqual(40);
    expect(out.tookMs).toBeLessThan(1000);
    expect(calls).toEqual(['intake stopped', 'work ended', 'end remote', 'close']);
  });

  it('work still running when the drain time is up is interrupted, its commands ended, then the store closes', async () => {
    const { p, calls, logger } = parts(60_000);
    const out = await drainAndStop(p, { drainMs: 100, graceMs: 2000 });
    expect(out.drained).toBe(false);
    expect(out.interrupted).toBe(1);
    expect(out.tookMs).toBeGreaterThanOrEqual(90);
    expect(out.tookMs).toBeLessThan(1000);
    expect(calls).toEqual(['intake stopped', 'interrupt', 'end remote', 'work ended', 'end remote', 'close']);
    expect(logger.lines).toContain(
      'warn drain time is up: interrupted what was left and ended its remote commands',
    );
    expect(logger.lines.at(-1)).toBe('info Medic stopped');
  });

  it('a second signal cuts the drain short', async () => {
    const { p, calls } = parts(60_000);
    const out = await drainAndStop(p, { drainMs: 30_000, force: later(50) });
    expect(out.drained).toBe(false);
    expect(out.tookMs).toBeLessThan(1000);
    expect(calls.slice(0, 3)).toEqual(['intake stopped', 'interrupt', 'end remote']);
  });

  it('intake that takes long to stop (a scheduler waiting for its run) is waited for too', async () => {
    const { p, calls } = parts(10);
    p.stopIntake.push(() => later(150).then(() => calls.push('scheduler stopped')));
    const out = await drainAndStop(p, { drainMs: 2000 });
    expect(out.drained).toBe(true);
    expect(out.tookMs).toBeGreaterThanOrEqual(140);
    expect(calls.indexOf('scheduler stopped')).toBeLessThan(calls.indexOf('close'));
  });
});
