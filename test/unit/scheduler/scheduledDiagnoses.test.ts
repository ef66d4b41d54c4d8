import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../../src/core/conversation/parseIntent.js';
import type { Reply } from '../../../src/core/conversation/reply.js';
import { scheduleCommand } from '../../../src/core/conversation/scheduleCommands.js';
import type { Diagnoser } from '../../../src/core/engine/diagnoser.js';
import { inventorySchema } from '../../../src/core/model/inventory.js';
import type { Report } from '../../../src/core/model/report.js';
import { silentLogger } from '../../../src/core/ports.js';
import type { Remediator } from '../../../src/core/remediation/remediator.js';
import type { IncidentPoster } from '../../../src/core/scheduler/scheduledDiagnoses.js';
import { ScheduledDiagnoses } from '../../../src/core/scheduler/scheduledDiagnoses.js';
import { flush, harness, schedule } from './fakes.js';

describe('schedule commands from chat', () => {
  it('parses add (with a Slack channel link and a time zone), list, pause, remove', () => {
    expect(
      parseIntent('schedule add “*/5 * * * *” 502-triage shop.example.com <#C7|ops> tz=Europe/Berlin'),
    ).toEqual({
      type: 'schedule',
      op: 'add',
      cron: '*/5 * * * *',
      playbook: '502-triage',
      query: 'shop.example.com',
      channel: 'C7',
      timezone: 'Europe/Berlin',
    });
    expect(parseIntent('schedules')).toEqual({ type: 'schedule', op: 'list' });
    expect(parseIntent('schedule delete shop-1')).toEqual({ type: 'schedule', op: 'remove', id: 'shop-1' });
    expect(parseIntent('schedule add */5 shop')).toMatchObject({ op: 'bad' });
  });

  const inventory = inventorySchema.parse({
    hosts: { web1: { transport: 'local' } },
    sites: { shop: { url: 'http://127.0.0.1:9/', hosts: ['web1'] } },
  });
  const playbooks = new Map([['502-triage', {} as never]]);

  it('adds a validated schedule, refuses bad input, keeps config schedules from chat removal', async () => {
    const h = harness('2026-11-22T10:00:00Z');
    await h.scheduler.start([schedule({ id: 'cfg', source: 'config' })]);
    const audited: unknown[] = [];
    const deps = {
      scheduler: h.scheduler,
      inventory,
      playbooks,
      now: h.timers.now(),
      mayManage: (site: string) => site === 'shop',
      audit: async (_site: string, detail: Record<string, unknown>) => void audited.push(detail),
    };
    const origin = { trigger: 'slack' as const, requestedBy: 'U7', channel: 'C1' };
    const add = (text: string) => scheduleCommand(parseIntent(text) as never, deps, origin);
    const ok = (await add('schedule add "*/5 * * * *" 502-triage shop')) as Extract<
      Reply,
      { type: 'schedules' }
    >;
    expect(ok.note).toMatch(/^Added `shop-502-triage-[0-9a-f]{6}`/);
    expect(ok.schedules.find((s) => s.id.startsWith('shop-'))).toMatchObject({
      channel: 'C1',
      source: 'chat',
      nextRunAt: '2026-11-22T10:05:00.000Z',
    });
    expect(await add('schedule add "61 * * * *" 502-triage shop')).toMatchObject({
      type: 'error',
      code: 'schedule.cron',
    });
    expect(await add('schedule add "* * * * *" nope shop')).toMatchObject({ code: 'playbook.unknown' });
    expect(await add('schedule add "* * * * *" 502-triage nowhere')).toMatchObject({ code: 'site.unknown' });
    expect(await add('schedule add "* * * * *" 502-triage shop tz=Mars/Base')).toMatchObject({
      code: 'schedule.timezone',
    });
    expect(await add('schedule remove cfg')).toMatchObject({ code: 'schedule.config' });
    expect(await add('schedule pause cfg')).toMatchObject({ note: 'Paused `cfg`.' });
    expect(audited).toEqual([
      expect.objectContaining({ op: 'add', cron: '*/5 * * * *', playbook: '502-triage', channel: 'C1' }),
      { op: 'pause', id: 'cfg' },
    ]);
    const forbidden = await scheduleCommand(
      parseIntent('schedule pause cfg') as never,
      { ...deps, mayManage: () => false },
      origin,
    );
    expect(forbidden).toMatchObject({ type: 'error', code: 'schedule.forbidden' });
    expect(h.scheduler.list().map((v) => [v.schedule.id.slice(0, 4), v.schedule.paused])).toEqual([
      ['cfg', true],
      ['shop', false],
    ]);
  });
});

describe('ScheduledDiagnoses: what a change says, and where', () => {
  const report = (status: Report['status'], id: string): Report =>
    ({
      id,
      site: 'shop',
      status,
      headline: `shop is ${status}`,
      startedAt: '2026-11-22T10:00:00.000Z',
      causes: status === 'healthy' ? [] : [{ id: 'upstream-down' }],
      actions: [],
    }) as unknown as Report;

  it('opens one thread per incident, reports in it with buttons, heals, reminds and recovers there', async () => {
    const posted: Array<[string, string]> = [];
    const healed: string[] = [];
    let status: Report['status'] = 'down';
    let n = 0;
    const poster: IncidentPoster = {
      open: async (channel, text) => {
        posted.push([`open ${channel}`, text]);
        return { channel, ts: `t${++n}` };
      },
      sink: (thread) => (r: Reply) => void posted.push([`in ${thread.ts}`, r.type]),
      notice: async (channel, r) => void posted.push([`notice ${channel}`, r.type]),
    };
    const remediator = {
      propose: async () => ({ 'restart-unit:web1:php': 'p1' }),
      healer: { afterDiagnosis: async (r: Report) => void healed.push(r.id) },
    } as unknown as Remediator;
    const h = harness('2026-11-22T10:00:00Z');
    const sd = new ScheduledDiagnoses({
      diagnoser: { diagnose: async () => report(status, `r${++n}`) } as unknown as Diagnoser,
      remediator,
      defaultChannel: 'C9',
      logger: silentLogger,
    });
    const { Scheduler } = await import('../../../src/core/scheduler/scheduler.js');
    const scheduler = new Scheduler({ ...h.deps, run: sd.run, notify: sd.notify });
    sd.attach(scheduler, poster);
    await scheduler.start([schedule({ id: 's', cron: '* * * * *', remindEveryMinutes: 2 })]);
    for (let i = 0; i < 3; i++) {
      await h.timers.advance(60_000);
      await flush();
    }
    status = 'healthy';
    await h.timers.advance(60_000);
    await flush();
    expect(posted).toEqual([
      ['open C123', ':rotating_light: *shop* is down (schedule `s`): shop is down'],
      ['in t2', 'report'],
      ['in t2', 'schedule-reminder'],
      ['in t2', 'schedule-recovered'],
    ]);
    expect(healed).toHaveLength(2); // at the opening and at the reminder
    expect(scheduler.list()[0]?.runtime.incident.status).toBe('healthy');
    await scheduler.stop();
  });
});
