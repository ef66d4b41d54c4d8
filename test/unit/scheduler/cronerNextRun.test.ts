import { describe, expect, it } from 'vitest';
import { cronerNextRun, cronerValidateCron } from '../../../src/adapters/cron/cronerNextRun.js';
import { MedicError } from '../../../src/core/errors.js';

const next = (cron: string, tz: string, after: string) =>
  cronerNextRun(cron, tz, new Date(after))?.toISOString();

function thrown(fn: () => unknown): MedicError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MedicError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('cronerNextRun', () => {
  it('computes 5-field expressions, strictly after the given time', () => {
    expect(next('*/5 * * * *', 'UTC', '2026-01-01T00:02:00Z')).toBe('2026-01-01T00:05:00.000Z');
    expect(next('*/5 * * * *', 'UTC', '2026-01-01T00:05:00Z')).toBe('2026-01-01T00:10:00.000Z');
    expect(next('* * * * *', 'UTC', '2026-01-01T00:05:00.400Z')).toBe('2026-01-01T00:06:00.000Z');
  });

  it('computes 6-field expressions (seconds first)', () => {
    expect(next('*/10 * * * * *', 'UTC', '2026-01-01T00:02:00Z')).toBe('2026-01-01T00:02:10.000Z');
    expect(next('30 0 12 * * *', 'UTC', '2026-01-01T00:00:00Z')).toBe('2026-01-01T12:00:30.000Z');
  });

  it('reads the expression in the time zone, winter and summer time alike', () => {
    expect(next('0 3 * * *', 'UTC', '2026-01-01T00:00:00Z')).toBe('2026-01-01T03:00:00.000Z');
    expect(next('0 3 * * *', 'Europe/Berlin', '2026-01-01T00:00:00Z')).toBe('2026-01-01T02:00:00.000Z');
    expect(next('0 3 * * *', 'Europe/Berlin', '2026-07-01T00:00:00Z')).toBe('2026-07-01T01:00:00.000Z');
  });

  it('fires once on each side of a DST change for a time that exists on both days', () => {
    // Berlin goes to summer time on 2026-03-29: 03:00 local is 02:00Z before, 01:00Z after.
    expect(next('0 3 * * *', 'Europe/Berlin', '2026-03-28T00:00:00Z')).toBe('2026-03-28T02:00:00.000Z');
    expect(next('0 3 * * *', 'Europe/Berlin', '2026-03-28T02:00:00Z')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('returns null for an expression that never fires', () => {
    expect(cronerNextRun('0 0 30 2 *', 'UTC', new Date('2026-01-01T00:00:00Z'))).toBeNull();
  });

  it.each([
    ['too few fields', '0 3 * *', 'UTC', /invalid cron expression/],
    ['an out-of-range minute', '61 * * * *', 'UTC', /invalid cron expression/],
    ['garbage', 'every five minutes', 'UTC', /invalid cron expression/],
    ['an unknown time zone', '0 3 * * *', 'Mars/Olympus', /unknown time zone "Mars\/Olympus"/],
  ])('throws schedule.cron with a chat-safe message for %s', (_label, cron, tz, message) => {
    const err = thrown(() => cronerNextRun(cron, tz, new Date('2026-01-01T00:00:00Z')));
    expect(err.code).toBe('schedule.cron');
    expect(err.userMessage).toMatch(message);
    expect(err.userMessage).not.toMatch(/CronPattern|TypeError|RangeError/);
  });
});

describe('cronerValidateCron', () => {
  it('accepts a usable expression and rejects a bad or never-firing one', () => {
    expect(() => cronerValidateCron('0 3 * * *', 'Europe/Berlin')).not.toThrow();
    expect(thrown(() => cronerValidateCron('0 0 30 2 *', 'UTC')).userMessage).toMatch(/never fires/);
    expect(thrown(() => cronerValidateCron('nope', 'UTC')).code).toBe('schedule.cron');
  });
});
