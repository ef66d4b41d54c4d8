import { describe, expect, it } from 'vitest';
import {
  defaultScheduleId,
  scheduleConfigSchema,
  scheduleFromConfig,
} from '../../../src/core/scheduler/schedule.js';

describe('scheduleConfigSchema', () => {
  it('fills the defaults of a minimal entry', () => {
    expect(scheduleConfigSchema.parse({ cron: ' */5 * * * * ', site: 'shop' })).toEqual({
      cron: '*/5 * * * *',
      site: 'shop',
      timezone: 'UTC',
      remindEveryMinutes: 60,
      missedGraceSeconds: 60,
    });
  });

  it('accepts a full entry', () => {
    const e = {
      id: 'shop.disk_nightly-1',
      cron: '0 3 * * *',
      timezone: 'Europe/Berlin',
      site: 'shop',
      playbook: 'disk',
      channel: 'C0123ABC',
      remindEveryMinutes: 0,
      missedGraceSeconds: 300,
    };
    expect(scheduleConfigSchema.parse(e)).toEqual(e);
  });

  it.each([
    ['an unknown key', { every: '5m' }],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }],
    ['a channel name instead of an id', { channel: '#ops' }],
    ['an id with a space', { id: 'my schedule' }],
    ['a negative reminder interval', { remindEveryMinutes: -1 }],
    ['a fractional reminder interval', { remindEveryMinutes: 1.5 }],
    ['an empty cron', { cron: '  ' }],
  ])('rejects %s', (_label, extra) => {
    expect(scheduleConfigSchema.safeParse({ cron: '* * * * *', site: 'shop', ...extra }).success).toBe(false);
  });
});

describe('defaultScheduleId', () => {
  it('is readable and stable', () => {
    const id = defaultScheduleId({ site: 'shop', playbook: 'health', cron: '* * * * *', timezone: 'UTC' });
    expect(id).toMatch(/^shop-health-[0-9a-f]{6}$/);
    expect(defaultScheduleId({ site: 'shop', playbook: 'health', cron: '* * * * *' })).toBe(id);
    expect(defaultScheduleId({ site: 'shop', cron: '* * * * *' })).toMatch(/^shop-default-[0-9a-f]{6}$/);
  });

  it('differs when the cron or the time zone differs', () => {
    const base = { site: 'shop', playbook: 'health', cron: '0 3 * * *' };
    const ids = new Set([
      defaultScheduleId(base),
      defaultScheduleId({ ...base, cron: '0 4 * * *' }),
      defaultScheduleId({ ...base, timezone: 'Europe/Berlin' }),
    ]);
    expect(ids.size).toBe(3);
  });
});

describe('scheduleFromConfig', () => {
  it('persists a config entry as an active config schedule', () => {
    const entry = scheduleConfigSchema.parse({ cron: '*/5 * * * *', site: 'shop', playbook: '502' });
    expect(scheduleFromConfig(entry, '2026-01-01T00:00:00.000Z')).toEqual({
      id: defaultScheduleId(entry),
      cron: '*/5 * * * *',
      timezone: 'UTC',
      site: 'shop',
      playbook: '502',
      remindEveryMinutes: 60,
      missedGraceSeconds: 60,
      paused: false,
      source: 'config',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('keeps an explicit id', () => {
    const entry = scheduleConfigSchema.parse({ id: 'nightly', cron: '0 3 * * *', site: 'shop' });
    expect(scheduleFromConfig(entry, 'now').id).toBe('nightly');
  });
});
