import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../../src/core/conversation/parseIntent.js';
import { scheduleCommand } from '../../../src/core/conversation/scheduleCommands.js';
import type { Diagnoser } from '../../../src/core/engine/diagnoser.js';
import { MedicError } from '../../../src/core/errors.js';
import { inventorySchema } from '../../../src/core/model/inventory.js';
import type { Reply } from '../../../src/core/model/reply.js';
import type { Report } from '../../../src/core/model/report.js';
import { silentLogger } from '../../../src/core/ports.js';
import type { Remediator } from '../../../src/core/remediation/remediator.js';
import type { IncidentPoster } from '../../../src/core/scheduler/scheduledDiagnoses.js';
import { ScheduledDiagnoses } from '../../../src/core/scheduler/scheduledDiagnoses.js';
import { Scheduler } from '../../../src/core/scheduler/scheduler.js';
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
    expect(ok.change).toMatchObject({
      op: 'added',
      id: expect.stringMatching(/^shop-502-triage-[0-9a-f]{6}$/),
    });
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
    expect(await add('schedule pause cfg')).toMatchObject({
      change: { op: 'paused', id: 'cfg', standby: false },
    });
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
    const posted: Array<[string, unknown]> = [];
    const healed: string[] = [];
    let status: Report['status'] = 'down';
    let n = 0;
    const poster: IncidentPoster = {
      open: async (channel, notice) => {
        posted.push([`open ${channel}`, notice]);
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
      [
        'open C123',
        {
          type: 'schedule-incident-opened',
          scheduleId: 's',
          site: 'shop',
          status: 'down',
          headline: 'shop is down',
        },
      ],
      ['in t2', 'report'],
      ['in t2', 'schedule-reminder'],
      ['in t2', 'schedule-recovered'],
    ]);
    expect(healed).toHaveLength(3); // every failing report: the opening, the quiet run, the reminder
    expect(scheduler.list()[0]?.runtime.incident.status).toBe('healthy');
    await scheduler.stop();
  });

  /** A scheduler on ScheduledDiagnoses with scripted statuses, a recording poster and healer. */
  async function wired(opts: { fail?: { open?: number }; schedules: ReturnType<typeof schedule>[] }) {
    const posted: string[] = [];
    const origins: Array<string | undefined> = [];
    const healed: string[] = [];
    let openFailures = opts.fail?.open ?? 0;
    let threads = 0;
    let reports = 0;
    const status: { now: Report['status'] } = { now: 'down' };
    const poster: IncidentPoster = {
      open: async (channel) => {
        if (openFailures-- > 0) throw new Error('slack down');
        posted.push(`open ${channel}`);
        return { channel, ts: `t${++threads}` };
      },
      sink: (thread) => (r: Reply) =>
        void posted.push(`in ${thread.ts} ${r.type}${r.type === 'heal-paused' ? `:${r.opened}` : ''}`),
      notice: async (channel, r) => void posted.push(`notice ${channel} ${r.type}`),
    };
    const remediator = {
      propose: async (_r: Report, origin: { requestedBy?: string }) => {
        origins.push(origin.requestedBy);
        return {};
      },
      healer: {
        afterDiagnosis: async (r: Report, origin: { threadTs?: string }, sink: (x: unknown) => unknown) => {
          healed.push(`${r.id}@${origin.threadTs ?? '-'}`);
          await sink({ type: 'heal-paused', site: 'shop', action: {}, opened: false, reason: 'breaker' });
          await sink({
            type: 'remediation-started',
            site: 'shop',
            action: {},
            by: 'medic',
            auto: true,
            steps: [],
          });
        },
      },
    } as unknown as Remediator;
    const h = harness('2026-11-22T10:00:00Z');
    const sd = new ScheduledDiagnoses({
      diagnoser: {
        diagnose: async () => report(status.now, `r${++reports}`),
        playbook: (id: string) => {
          if (id !== 'health') throw new MedicError('playbook.unknown', `no playbook "${id}"`);
        },
      } as unknown as Diagnoser,
      remediator,
      logger: silentLogger,
    });
    const scheduler = new Scheduler({ ...h.deps, run: sd.run, notify: sd.notify, check: sd.check });
    sd.attach(scheduler, poster);
    await scheduler.start(opts.schedules);
    const minute = async () => {
      await h.timers.advance(60_000);
      await flush();
    };
    return { posted, origins, healed, status, scheduler, minute, sd };
  }

  it('heals every failing report; on quiet runs "healing is paused" is not said again, what happens is', async () => {
    const w = await wired({ schedules: [schedule({ id: 's', remindEveryMinutes: 0 })] });
    await w.minute();
    await w.minute();
    expect(w.healed).toEqual(['r1@t1', 'r2@t1']);
    expect(w.posted).toEqual([
      'open C123',
      'in t1 report',
      'in t1 heal-paused:false',
      'in t1 remediation-started',
      'in t1 remediation-started', // the quiet run: no second "paused"
    ]);
    await w.scheduler.stop();
    await w.sd.drain();
  });

  it('heals the failing reports of a schedule with nowhere to post', async () => {
    const w = await wired({ schedules: [schedule({ id: 's', channel: undefined })] });
    await w.minute();
    await w.minute();
    expect(w.posted).toEqual([]);
    expect(w.healed).toEqual(['r1@-', 'r2@-']);
    await w.scheduler.stop();
  });

  it('an opening whose post failed is made after the next run; healing did not wait for it', async () => {
    const w = await wired({ fail: { open: 1 }, schedules: [schedule({ id: 's', remindEveryMinutes: 0 })] });
    await w.minute();
    expect(w.posted).toEqual(['notice C123 remediation-started']); // no thread yet: in the channel
    expect(w.healed).toEqual(['r1@-']);
    await w.minute();
    expect(w.posted.slice(1)).toEqual([
      'open C123',
      'in t1 report',
      'in t1 heal-paused:false',
      'in t1 remediation-started',
    ]);
    await w.minute();
    expect(w.posted.slice(5)).toEqual(['in t1 remediation-started']);
    expect(w.healed).toEqual(['r1@-', 'r2@t1', 'r3@t1']);
    await w.scheduler.stop();
  });

  it('approvals of a chat schedule are requested by its creator (four-eyes), of a config one by the schedule', async () => {
    const w = await wired({
      schedules: [
        schedule({ id: 'cfg', source: 'config' }),
        schedule({ id: 'chat', source: 'chat', createdBy: 'U42', channel: 'C7' }),
      ],
    });
    await w.minute();
    expect(w.origins.sort()).toEqual(['U42', 'schedule:cfg']);
    await w.scheduler.stop();
  });

  it('a schedule naming a playbook that is not loaded is said once at start and not run', async () => {
    const w = await wired({ schedules: [schedule({ id: 'gone', source: 'config', playbook: 'nope' })] });
    await w.minute();
    expect(w.posted).toEqual(['notice C123 schedule-failed']);
    expect(w.scheduler.list()[0]?.runtime).toMatchObject({ failedCode: 'playbook.unknown' });
    expect(w.scheduler.list()[0]?.runtime.nextRunAt).toBeUndefined();
    await w.scheduler.stop();
  });
});
