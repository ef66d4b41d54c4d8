import { describe, expect, it } from 'vitest';
import { renderScheduleText } from '../../../src/adapters/console/renderScheduleText.js';
import { scheduleMessage } from '../../../src/adapters/slack/scheduleBlocks.js';
import { parseIntent } from '../../../src/core/conversation/parseIntent.js';
import { scheduleCommand } from '../../../src/core/conversation/scheduleCommands.js';
import { inventorySchema } from '../../../src/core/model/inventory.js';
import type { Reply } from '../../../src/core/model/reply.js';
import { harness, schedule } from '../scheduler/fakes.js';

const inventory = inventorySchema.parse({
  hosts: { web1: { transport: 'local' } },
  sites: { shop: { url: 'http://127.0.0.1:9/', hosts: ['web1'] } },
});
const playbooks = new Map([['502-triage', {} as never]]);
const origin = { trigger: 'slack' as const, requestedBy: 'U7', channel: 'C1' };

async function chat() {
  const h = harness('2026-11-22T10:00:00Z');
  await h.scheduler.start([
    schedule({ id: 'shop-502-triage-9f1d7d', source: 'config', cron: '0 * * * *', playbook: '502-triage' }),
  ]);
  const audited: Array<Record<string, unknown>> = [];
  const deps = {
    scheduler: h.scheduler,
    inventory,
    playbooks,
    now: h.timers.now(),
    mayManage: () => true,
    audit: async (_site: string, detail: Record<string, unknown>) => void audited.push(detail),
  };
  const say = (text: string) => scheduleCommand(parseIntent(text) as never, deps, origin);
  return { h, audited, say };
}

describe('schedule add from chat', () => {
  it('parses channel, tz= (any case) and remind=N, and refuses words it does not know', () => {
    expect(
      parseIntent('schedule add "*/5 * * * *" 502-triage shop TZ=Europe/Berlin remind=0 #C0123'),
    ).toEqual({
      type: 'schedule',
      op: 'add',
      cron: '*/5 * * * *',
      playbook: '502-triage',
      query: 'shop',
      channel: 'C0123',
      timezone: 'Europe/Berlin',
      remindEveryMinutes: 0,
    });
    expect(parseIntent('schedule add "*/5 * * * *" 502-triage shop every-hour')).toEqual({
      type: 'schedule',
      op: 'bad',
      text: 'schedule add "*/5 * * * *" 502-triage shop every-hour',
      problem: '"every-hour" is not a channel, tz=<zone> or remind=<minutes> (or it is given twice)',
    });
    expect(parseIntent('schedule add "* * * * *" 502-triage shop tz=UTC tz=Europe/Berlin')).toMatchObject({
      op: 'bad',
    });
    expect(parseIntent('schedule add "* * * * *" 502-triage shop remind=soon')).toMatchObject({ op: 'bad' });
  });

  it('an unknown word gets the usage, saying which word', async () => {
    const c = await chat();
    const r = await c.say('schedule add "*/5 * * * *" 502-triage shop #ops-channel');
    expect(r).toMatchObject({ type: 'error', code: 'schedule.usage' });
    expect(r.type === 'error' && r.message).toMatch(/^"#ops-channel" is not a channel.*usage: schedule add/);
    expect(c.h.scheduler.list()).toHaveLength(1);
  });

  it('stores remind=N and names the channel it posts in', async () => {
    const c = await chat();
    const r = (await c.say('schedule add "*/5 * * * *" 502-triage shop remind=15 <#C77|ops>')) as Extract<
      Reply,
      { type: 'schedules' }
    >;
    const id = r.change?.id ?? '';
    expect(id).toMatch(/^shop-502-triage-[0-9a-f]{6}$/);
    expect(r.change).toEqual({
      op: 'added',
      id,
      playbook: '502-triage',
      site: 'shop',
      cron: '*/5 * * * *',
      timezone: 'UTC',
      remindEveryMinutes: 15,
      postsIn: 'C77',
      standby: false,
    });
    expect(scheduleMessage(r).text.split('\n')[0]).toBe(
      `Added \`${id}\`: 502-triage on shop at \`*/5 * * * *\` (UTC), reminders every 15 min. It posts in <#C77>.`,
    );
    expect(renderScheduleText(r).split('\n')[0]).toBe(
      `Added ${id}: 502-triage on shop at "*/5 * * * *" (UTC), reminders every 15 min. It posts in C77.`,
    );
    expect(c.h.scheduler.list().find((v) => v.schedule.source === 'chat')?.schedule).toMatchObject({
      remindEveryMinutes: 15,
      channel: 'C77',
      createdBy: 'U7',
    });
    expect(c.audited).toEqual([
      expect.objectContaining({ op: 'add', remindEveryMinutes: 15, channel: 'C77' }),
    ]);
    const never = (await c.say(
      'schedule add "0 * * * *" 502-triage shop remind=0 tz=Europe/Berlin',
    )) as Extract<Reply, { type: 'schedules' }>;
    expect(never.change).toMatchObject({ timezone: 'Europe/Berlin', remindEveryMinutes: 0 });
    expect(never.change?.op === 'added' && never.change.postsIn).toBe('C1'); // the channel it was asked in
    expect(scheduleMessage(never).text.split('\n')[0]).toMatch(
      /\(Europe\/Berlin\), no reminders\. It posts in <#C1>\.$/,
    );
  });

  it('refuses an id that exists, chat or medic.yaml, and points to pause/resume/remove', async () => {
    const c = await chat();
    await c.say('schedule add "*/5 * * * *" 502-triage shop');
    const id = c.h.scheduler.list().find((v) => v.schedule.source === 'chat')?.schedule.id ?? '';
    await c.say(`schedule pause ${id}`);
    const again = await c.say('schedule add "*/5 * * * *" 502-triage shop remind=5 <#C9>');
    expect(again).toMatchObject({ type: 'error', code: 'schedule.exists' });
    expect(again.type === 'error' && again.message).toBe(
      `"${id}" exists already, paused: use schedule pause|resume|remove ${id}`,
    );
    expect(c.h.scheduler.list().find((v) => v.schedule.id === id)?.schedule).toMatchObject({
      paused: true,
      remindEveryMinutes: 60,
      channel: 'C1',
    });
    const cfg = await c.say('schedule add "0 * * * *" 502-triage shop');
    expect(cfg.type === 'error' && cfg.message).toContain('declared in medic.yaml');
    expect(c.h.scheduler.list().find((v) => v.schedule.source === 'config')?.schedule.source).toBe('config');
  });

  it('refuses a cron that never fires', async () => {
    const c = await chat();
    const r = await c.say('schedule add "0 0 30 2 *" 502-triage shop');
    expect(r).toMatchObject({ type: 'error', code: 'schedule.cron' });
    expect(r.type === 'error' && r.message).toContain('never fires');
    expect(c.h.scheduler.list()).toHaveLength(1);
  });
});
