import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consolePoster } from '../../../src/adapters/console/consolePoster.js';
import { renderScheduleText } from '../../../src/adapters/console/renderScheduleText.js';
import { scheduleMessage } from '../../../src/adapters/slack/scheduleBlocks.js';
import type { ScheduleChange } from '../../../src/core/model/scheduleNotice.js';
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
  const added = {
    op: 'added' as const,
    id: 'x',
    playbook: 'disk',
    site: 'shop',
    cron: '0 3 * * *',
    timezone: 'UTC',
    remindEveryMinutes: 0,
    postsIn: null,
    standby: false,
  };

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
      change: {
        op: 'added',
        id: 'nightly',
        playbook: 'disk',
        site: 'shop',
        cron: '0 3 * * *',
        timezone: 'Europe/Berlin',
        remindEveryMinutes: 60,
        postsIn: null,
        standby: false,
      },
    });
    expect(list.text).toBe(
      'Added `nightly`: disk on shop at `0 3 * * *` (Europe/Berlin), reminders every 60 min. It posts in the default channel.\n• `nightly` · `0 3 * * *` Europe/Berlin · disk on *shop* → <#C1> · next 2026-07-16 03:00 Europe/Berlin · healthy · config',
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
    expect(
      renderScheduleText({ type: 'schedules', schedules: [], change: { ...added, postsIn: 'C9' } }),
    ).toBe('Added x: disk on shop at "0 3 * * *" (UTC), no reminders. It posts in C9.\nNo schedules.');
  });

  const opened = {
    type: 'schedule-incident-opened' as const,
    scheduleId: 'nightly',
    site: 'shop',
    status: 'down' as const,
    headline: 'php8.2-fpm is inactive on web1',
  };

  it('an incident’s root message: Slack bolds the site and marks the schedule as code', () => {
    expect(scheduleMessage(opened)).toEqual({
      text: ':rotating_light: *shop* is down (schedule `nightly`): php8.2-fpm is inactive on web1',
    });
    expect(scheduleMessage({ ...opened, site: 'a&b', headline: '<!here> is down' }).text).toBe(
      ':rotating_light: *a&amp;b* is down (schedule `nightly`): &lt;!here&gt; is down',
    );
  });

  it('an incident’s root message: the console prints it plain, as a header', async () => {
    expect(renderScheduleText(opened)).toBe(
      'shop is down (schedule nightly): php8.2-fpm is inactive on web1',
    );
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const thread = await consolePoster(out).open('console', { ...opened, status: 'degraded' });
    expect(printed).toBe('\n=== shop is degraded (schedule nightly): php8.2-fpm is inactive on web1\n');
    expect(thread).toEqual({ channel: 'console', ts: '1' });
  });

  it('what a chat command did: Slack marks ids and the cron as code, the console says it plain', () => {
    const said = (change: ScheduleChange) => {
      const n = { type: 'schedules' as const, schedules: [], change };
      return [scheduleMessage(n).text.split('\n')[0], renderScheduleText(n).split('\n')[0]];
    };
    const standby = ' Another Medic process runs the schedules; it picks this up within a minute.';
    expect(said({ ...added, standby: true, postsIn: 'C7', remindEveryMinutes: 30 })).toEqual([
      `Added \`x\`: disk on shop at \`0 3 * * *\` (UTC), reminders every 30 min.${standby} It posts in <#C7>.`,
      `Added x: disk on shop at "0 3 * * *" (UTC), reminders every 30 min.${standby} It posts in C7.`,
    ]);
    expect(said({ ...added, site: 'a<b>&c' })[0]).toContain(' on a&lt;b&gt;&amp;c at ');
    expect(said({ op: 'ran', id: 'x', started: true })).toEqual(['Ran `x`.', 'Ran x.']);
    expect(said({ op: 'ran', id: 'x', started: false })).toEqual([
      '`x` is running already.',
      'x is running already.',
    ]);
    expect(said({ op: 'paused', id: 'x', standby: false })).toEqual(['Paused `x`.', 'Paused x.']);
    expect(said({ op: 'resumed', id: 'x', standby: true })).toEqual([
      `Resumed \`x\`.${standby}`,
      `Resumed x.${standby}`,
    ]);
    expect(said({ op: 'removed', id: 'x', standby: false })).toEqual(['Removed `x`.', 'Removed x.']);
  });
});
