import { describe, expect, it } from 'vitest';
import { renderScheduleText } from '../../../src/adapters/console/renderScheduleText.js';
import { scheduleMessage } from '../../../src/adapters/slack/scheduleBlocks.js';
import { formatInZone } from '../../../src/core/scheduler/zonedTime.js';

describe('schedule times in the schedule’s zone', () => {
  it('formats an instant as wall time in the zone, named, across daylight saving', () => {
    expect(formatInZone('2026-01-15T02:00:00.000Z', 'Europe/Berlin')).toBe('2026-01-15 03:00 Europe/Berlin');
    expect(formatInZone('2026-07-15T01:00:00.000Z', 'Europe/Berlin')).toBe('2026-07-15 03:00 Europe/Berlin');
    expect(formatInZone('2026-01-01T23:30:00.000Z', 'America/New_York')).toBe(
      '2026-01-01 18:30 America/New_York',
    );
    expect(formatInZone('2026-01-01T00:00:00.000Z', 'UTC')).toBe('2026-01-01 00:00 UTC');
    expect(formatInZone('2026-01-01T00:00:00.000Z', 'Gone/Zone')).toBe('2026-01-01 00:00 UTC');
    expect(formatInZone('', 'UTC')).toBe('');
  });

  const base = { scheduleId: 'nightly', site: 'shop', timezone: 'Europe/Berlin' };

  it('Slack notices show them so', () => {
    expect(
      scheduleMessage({
        type: 'schedule-reminder',
        ...base,
        since: '2026-01-15T02:00:00.000Z',
        headline: 'down',
      }).text,
    ).toContain('still failing since 2026-01-15 03:00 Europe/Berlin');
    expect(
      scheduleMessage({
        type: 'schedule-recovered',
        ...base,
        since: '2026-01-15T02:00:00.000Z',
        seconds: 600,
      }).text,
    ).toContain('failing for 10 min since 2026-01-15 03:00 Europe/Berlin');
    expect(
      scheduleMessage({
        type: 'schedule-missed',
        ...base,
        count: 2,
        from: '2026-01-14T02:00:00.000Z',
        to: '2026-01-15T02:00:00.000Z',
        capped: false,
      }).text,
    ).toContain('between 2026-01-14 03:00 Europe/Berlin and 2026-01-15 03:00 Europe/Berlin');
    const list = scheduleMessage({
      type: 'schedules',
      schedules: [
        {
          id: 'nightly',
          cron: '0 3 * * *',
          timezone: 'Europe/Berlin',
          site: 'shop',
          playbook: 'disk',
          channel: 'C1',
          paused: false,
          source: 'config',
          nextRunAt: '2026-07-16T01:00:00.000Z',
          status: 'healthy',
        },
      ],
      note: 'Added `nightly`.',
      postsIn: null,
    });
    expect(list.text).toBe(
      'Added `nightly`. It posts in the default channel.\n• `nightly` · `0 3 * * *` Europe/Berlin · disk on *shop* → <#C1> · next 2026-07-16 03:00 Europe/Berlin · healthy · config',
    );
  });

  it('console notices too', () => {
    expect(
      renderScheduleText({
        type: 'schedule-reminder',
        ...base,
        since: '2026-01-15T02:00:00.000Z',
        headline: 'down',
      }),
    ).toBe('[nightly] shop still failing since 2026-01-15 03:00 Europe/Berlin: down');
    expect(
      renderScheduleText({
        type: 'schedule-missed',
        ...base,
        count: 1,
        from: '2026-01-15T02:00:00.000Z',
        to: '2026-01-15T02:00:00.000Z',
        capped: false,
      }),
    ).toBe(
      '[nightly] shop: missed 1 run(s) between 2026-01-15 03:00 Europe/Berlin and 2026-01-15 03:00 Europe/Berlin; not replayed.',
    );
    expect(renderScheduleText({ type: 'schedules', schedules: [], note: 'Added `x`.', postsIn: 'C9' })).toBe(
      'Added `x`. It posts in C9.\nNo schedules.',
    );
  });
});
