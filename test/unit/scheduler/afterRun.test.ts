import { describe, expect, it } from 'vitest';
import { afterRun } from '../../../src/core/scheduler/afterRun.js';
import type { IncidentState } from '../../../src/core/scheduler/incidentState.js';
import { planRestart } from '../../../src/core/scheduler/missedRuns.js';
import { mergeNotice } from '../../../src/core/scheduler/pendingNotice.js';
import type { ScheduleRuntime } from '../../../src/core/scheduler/scheduleStore.js';
import { down, healthy, schedule } from './fakes.js';

const startedAt = new Date('2026-01-01T00:01:00.000Z');
const unknown: ScheduleRuntime = { incident: { status: 'unknown' } };
const refused = { ok: false as const, code: 'transport.refused', message: 'web1 refused' };
const ok = (outcome: ReturnType<typeof down>) => ({ ok: true as const, outcome });
const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min));

describe('afterRun', () => {
  it('records the run and opens an incident on a failing outcome, as a pending notice', () => {
    const r = afterRun(schedule(), unknown, ok(down('r1', 'fpm')), startedAt, () => 'i1');
    expect(r.runtime).toMatchObject({
      lastRunAt: startedAt.toISOString(),
      incident: { incidentId: 'i1', pendingNotice: { notify: 'opened', reportId: 'r1' } },
    });
    expect(r.events).toEqual([
      {
        type: 'incident',
        schedule: schedule(),
        notify: 'opened',
        reportId: 'r1',
        state: expect.not.objectContaining({ pendingNotice: expect.anything() }),
      },
    ]);
    expect(r.runtime.failedCode).toBeUndefined();
  });

  it('says a failed run once per streak of the same code; the scheduler records the streak once said', () => {
    const first = afterRun(schedule(), unknown, refused, startedAt, () => 'x');
    expect(first.events).toEqual([
      { type: 'run-failed', schedule: schedule(), code: 'transport.refused', message: 'web1 refused' },
    ]);
    expect(first.runtime).toEqual({ lastRunAt: startedAt.toISOString(), incident: { status: 'unknown' } });
    // Not delivered: the streak is not recorded, so the next failure says it again.
    expect(afterRun(schedule(), first.runtime, refused, startedAt, () => 'x').events).toHaveLength(1);
    const said = { ...first.runtime, failedCode: 'transport.refused' };
    expect(afterRun(schedule(), said, refused, startedAt, () => 'x').events).toEqual([]);
    const other = afterRun(schedule(), said, { ...refused, code: 'transport.timeout' }, startedAt, () => 'x');
    expect(other.events).toMatchObject([{ code: 'transport.timeout' }]);
    // A run that works ends the streak.
    expect(
      afterRun(schedule(), said, ok(healthy('r9')), startedAt, () => 'x').runtime.failedCode,
    ).toBeUndefined();
  });

  it('a failing run with nothing to say is "unchanged" (self-healing still sees it); a healthy one says nothing', () => {
    const opened = afterRun(schedule(), unknown, ok(down('r1', 'fpm')), at(1), () => 'i1');
    const { pendingNotice: _said, ...incident } = opened.runtime.incident;
    const quiet = afterRun(
      schedule(),
      { ...opened.runtime, incident },
      ok(down('r2', 'fpm')),
      at(2),
      () => 'x',
    );
    expect(quiet.events).toEqual([
      {
        type: 'unchanged',
        schedule: schedule(),
        reportId: 'r2',
        state: expect.objectContaining({ incidentId: 'i1' }),
      },
    ]);
    expect(afterRun(schedule(), unknown, ok(healthy('r3')), at(3), () => 'x').events).toEqual([]);
  });

  it('retries an undelivered notice after the next run, with the newest report', () => {
    const opened = afterRun(schedule(), unknown, ok(down('r1', 'fpm')), at(1), () => 'i1');
    const again = afterRun(schedule(), opened.runtime, ok(down('r2', 'fpm')), at(2), () => 'x');
    expect(again.events).toMatchObject([{ type: 'incident', notify: 'opened', reportId: 'r2' }]);
    expect(again.runtime.incident).toMatchObject({
      incidentId: 'i1',
      since: '',
      pendingNotice: { reportId: 'r2' },
    });
    // A failed run in between keeps it pending (there is no fresher report to say it with).
    const failed = afterRun(schedule(), again.runtime, refused, at(3), () => 'x');
    expect(failed.runtime.incident.pendingNotice).toEqual(again.runtime.incident.pendingNotice);
  });

  it('an undelivered "opened" followed by recovery becomes a short recovered message', () => {
    const opened = afterRun(
      schedule(),
      unknown,
      ok(down('r1', 'fpm', at(1).toISOString())),
      at(1),
      () => 'i1',
    );
    const back = afterRun(
      schedule(),
      opened.runtime,
      ok(healthy('r2', at(2).toISOString())),
      at(2),
      () => 'x',
    );
    expect(back.events).toEqual([
      {
        type: 'incident',
        schedule: schedule(),
        notify: 'recovered',
        reportId: 'r2',
        state: expect.objectContaining({ incidentId: 'i1', since: at(1).toISOString() }),
      },
    ]);
    expect(back.runtime.incident).toMatchObject({
      status: 'healthy',
      pendingNotice: { notify: 'recovered' },
    });
    // Still undelivered after another healthy run: the same recovery, with its own report.
    const later = afterRun(schedule(), back.runtime, ok(healthy('r3')), at(3), () => 'x');
    expect(later.events).toMatchObject([{ notify: 'recovered', reportId: 'r2' }]);
  });
});

describe('mergeNotice', () => {
  const n = (notify: 'opened' | 'recovered' | 'reminder' | 'cause-changed', reportId: string) => ({
    notify,
    reportId,
    ...(notify === 'recovered' ? { closed: { status: 'healthy', incidentId: 'old' } as IncidentState } : {}),
  });
  it('keeps the weightier notice of one incident, supersedes on recovery and on a new incident', () => {
    expect(mergeNotice(undefined, n('reminder', 'r2'), 'r2')).toEqual(n('reminder', 'r2'));
    expect(mergeNotice(n('opened', 'r1'), undefined, 'r2')).toEqual(n('opened', 'r2'));
    expect(mergeNotice(n('opened', 'r1'), n('cause-changed', 'r2'), 'r2')).toEqual(n('opened', 'r2'));
    expect(mergeNotice(n('reminder', 'r1'), n('cause-changed', 'r2'), 'r2')).toEqual(
      n('cause-changed', 'r2'),
    );
    expect(mergeNotice(n('cause-changed', 'r1'), n('reminder', 'r2'), 'r2')).toEqual(
      n('cause-changed', 'r2'),
    );
    expect(mergeNotice(n('cause-changed', 'r1'), n('recovered', 'r2'), 'r2')).toEqual(n('recovered', 'r2'));
    expect(mergeNotice(n('recovered', 'r1'), undefined, 'r2')).toEqual(n('recovered', 'r1'));
    expect(mergeNotice(n('recovered', 'r1'), n('opened', 'r2'), 'r2')).toEqual(n('opened', 'r2'));
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
