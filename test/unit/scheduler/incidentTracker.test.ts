import { describe, expect, it } from 'vitest';
import type { IncidentState } from '../../../src/core/scheduler/incidentState.js';
import {
  decide,
  initialIncidentState,
  type RunOutcome,
  withThread,
} from '../../../src/core/scheduler/incidentTracker.js';

const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min));
const out = (status: RunOutcome['status'], topCause: string | null, min: number): RunOutcome => ({
  id: `r${min}`,
  status,
  topCause,
  startedAt: at(min).toISOString(),
});
let ids = 0;
const opts = { remindEveryMinutes: 30, newId: () => `inc-${++ids}` };
const failing: IncidentState = {
  status: 'failing',
  incidentId: 'inc-0',
  since: at(0).toISOString(),
  lastNotifiedAt: at(0).toISOString(),
  topCause: 'php-fpm-down',
  thread: { channel: 'C1', ts: '1.1' },
};

describe('decide', () => {
  it('keeps the first healthy run quiet, and healthy after healthy quiet', () => {
    const first = decide(initialIncidentState, out('healthy', null, 0), at(0), opts);
    expect(first).toMatchObject({ notify: null, state: { status: 'healthy', since: at(0).toISOString() } });
    const second = decide(first.state, out('healthy', null, 1), at(1), opts);
    expect(second.notify).toBeNull();
    expect(second.state).toEqual(first.state);
  });

  it.each(['down', 'degraded'] as const)('opens an incident when the site goes %s', (status) => {
    for (const prev of [initialIncidentState, { status: 'healthy', since: 'x' } as IncidentState]) {
      const d = decide(prev, out(status, 'nginx-upstream', 5), at(6), opts);
      expect(d.notify).toBe('opened');
      expect(d.state).toEqual({
        status: 'failing',
        incidentId: expect.stringMatching(/^inc-\d+$/),
        since: at(5).toISOString(),
        lastNotifiedAt: at(6).toISOString(),
        topCause: 'nginx-upstream',
        announced: ['nginx-upstream'],
      });
      expect(d.incident).toEqual(d.state);
    }
  });

  it('stays quiet while failing with the same cause, until the reminder interval', () => {
    const quiet = decide(failing, out('down', 'php-fpm-down', 29), at(29), opts);
    expect(quiet.notify).toBeNull();
    expect(quiet.state).toBe(failing);
    const remind = decide(failing, out('down', 'php-fpm-down', 30), at(30), opts);
    expect(remind.notify).toBe('reminder');
    expect(remind.state).toEqual({ ...failing, lastNotifiedAt: at(30).toISOString() });
    expect(decide(remind.state, out('down', 'php-fpm-down', 45), at(45), opts).notify).toBeNull();
  });

  it('never reminds when remindEveryMinutes is 0', () => {
    const d = decide(failing, out('down', 'php-fpm-down', 0), at(59 * 24), {
      ...opts,
      remindEveryMinutes: 0,
    });
    expect(d.notify).toBeNull();
  });

  it('speaks when the top cause changes, in the same incident', () => {
    const d = decide(failing, out('degraded', 'disk-full', 3), at(3), opts);
    expect(d.notify).toBe('cause-changed');
    expect(d.state).toEqual({
      ...failing,
      topCause: 'disk-full',
      announced: ['php-fpm-down', 'disk-full'],
      lastNotifiedAt: at(3).toISOString(),
    });
    expect(decide(failing, out('down', null, 3), at(3), opts).notify).toBe('cause-changed');
  });

  it('a top cause flipping back to one already announced in this incident is quiet', () => {
    let state = failing;
    const said: Array<string | null> = [];
    for (const [min, cause] of [
      [1, 'disk-full'],
      [2, 'php-fpm-down'],
      [3, 'disk-full'],
      [4, 'php-fpm-down'],
      [5, 'oom-killed'],
      [6, 'disk-full'],
    ] as const) {
      const d = decide(state, out('down', cause, min), at(min), opts);
      said.push(d.notify);
      state = d.state;
    }
    expect(said).toEqual(['cause-changed', null, null, null, 'cause-changed', null]);
    expect(state).toMatchObject({
      topCause: 'disk-full',
      announced: ['php-fpm-down', 'disk-full', 'oom-killed'],
      lastNotifiedAt: at(5).toISOString(),
    });
    // A new incident starts with nothing announced but its own first cause.
    const reopened = decide(
      decide(state, out('healthy', null, 7), at(7), opts).state,
      out('down', 'disk-full', 8),
      at(8),
      opts,
    );
    expect(reopened.state.announced).toEqual(['disk-full']);
  });

  it('reminds on the fire time of the run, within a few seconds of the interval', () => {
    // A 60-minute reminder on a 5-minute cron: runs fire a few ms late, and take a while.
    const opened = { ...failing, lastNotifiedAt: '2026-01-01T10:00:00.012Z' };
    const hourly = { ...opts, remindEveryMinutes: 60 };
    const due = (iso: string) => decide(opened, out('down', 'php-fpm-down', 0), new Date(iso), hourly);
    expect(due('2026-01-01T10:55:00.004Z').notify).toBeNull();
    expect(due('2026-01-01T10:59:54.000Z').notify).toBeNull(); // more than the tolerance early
    const d = due('2026-01-01T11:00:00.003Z');
    expect(d.notify).toBe('reminder');
    expect(d.state.lastNotifiedAt).toBe('2026-01-01T11:00:00.003Z');
  });

  it('recovers with the incident id and thread in the event, then clears them', () => {
    const d = decide(failing, out('healthy', null, 10), at(11), opts);
    expect(d.notify).toBe('recovered');
    expect(d.incident).toMatchObject({
      status: 'healthy',
      incidentId: 'inc-0',
      thread: { channel: 'C1', ts: '1.1' },
      since: at(0).toISOString(),
    });
    expect(d.state).toEqual({ status: 'healthy', since: at(10).toISOString() });
  });

  it('opens a new incident (new id, no thread) after a recovery', () => {
    const recovered = decide(failing, out('healthy', null, 10), at(10), opts).state;
    const again = decide(recovered, out('down', 'php-fpm-down', 20), at(20), opts);
    expect(again.notify).toBe('opened');
    expect(again.state.incidentId).not.toBe('inc-0');
    expect(again.state.thread).toBeUndefined();
  });
});

describe('withThread', () => {
  it('records the first thread of a failing incident only', () => {
    const { thread: _t, ...open } = failing;
    const posted = withThread(open, { channel: 'C2', ts: '2.2' });
    expect(posted.thread).toEqual({ channel: 'C2', ts: '2.2' });
    expect(withThread(posted, { channel: 'C3', ts: '3.3' })).toBe(posted);
    const healthy: IncidentState = { status: 'healthy' };
    expect(withThread(healthy, { channel: 'C2', ts: '2.2' })).toBe(healthy);
  });
});
