import { describe, expect, it } from 'vitest';
import { afterRun } from '../../../src/core/scheduler/afterRun.js';
import { planRestart } from '../../../src/core/scheduler/missedRuns.js';
import { down, schedule } from './fakes.js';

const startedAt = new Date('2026-01-01T00:01:00.000Z');
const now = new Date('2026-01-01T00:01:05.000Z');
const unknown = { runtime: { incident: { status: 'unknown' as const } } };
const refused = { ok: false as const, code: 'transport.refused', message: 'web1 refused' };

describe('afterRun', () => {
  it('records the run and opens an incident on a failing outcome', () => {
    const r = afterRun(
      schedule(),
      unknown,
      { ok: true, outcome: down('r1', 'fpm') },
      startedAt,
      now,
      () => 'i1',
    );
    expect(r.runtime).toMatchObject({ lastRunAt: startedAt.toISOString(), incident: { incidentId: 'i1' } });
    expect(r.event).toMatchObject({ type: 'incident', notify: 'opened', reportId: 'r1' });
    expect(r.failedCode).toBeUndefined();
  });

  it('says a failed run once per streak of the same code, leaving the incident alone', () => {
    const first = afterRun(schedule(), unknown, refused, startedAt, now, () => 'x');
    expect(first.event).toEqual({
      type: 'run-failed',
      schedule: schedule(),
      code: 'transport.refused',
      message: 'web1 refused',
    });
    expect(first.runtime).toEqual({ lastRunAt: startedAt.toISOString(), incident: { status: 'unknown' } });
    const again = afterRun(schedule(), first, refused, startedAt, now, () => 'x');
    expect(again.event).toBeNull();
    const other = afterRun(
      schedule(),
      again,
      { ...refused, code: 'transport.timeout' },
      startedAt,
      now,
      () => 'x',
    );
    expect(other.event).toMatchObject({ code: 'transport.timeout' });
  });
});

describe('planRestart', () => {
  const at = new Date('2026-01-01T01:00:00.000Z');
  it('tells next, late and missed apart by the grace period', () => {
    expect(planRestart(undefined, 60, at)).toEqual({ kind: 'next' });
    expect(planRestart('garbage', 60, at)).toEqual({ kind: 'next' });
    expect(planRestart('2026-01-01T01:00:01.000Z', 60, at)).toEqual({ kind: 'next' });
    expect(planRestart('2026-01-01T00:59:00.000Z', 60, at)).toEqual({
      kind: 'late',
      due: new Date('2026-01-01T00:59:00.000Z'),
    });
    expect(planRestart('2026-01-01T00:58:59.999Z', 60, at)).toEqual({
      kind: 'missed',
      first: new Date('2026-01-01T00:58:59.999Z'),
    });
  });
});
