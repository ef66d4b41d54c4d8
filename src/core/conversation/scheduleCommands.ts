import { MedicError, toSafeError } from '../errors.js';
import { logFailure } from '../logFailure.js';
import type { Inventory } from '../model/inventory.js';
import type { Reply } from '../model/reply.js';
import type { ScheduleChange } from '../model/scheduleNotice.js';
import type { Playbook } from '../playbooks/playbook.js';
import { type Logger, type RunOrigin, silentLogger } from '../ports.js';
import { defaultScheduleId, isTimeZone, type Schedule } from '../scheduler/schedule.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Intent } from './parseIntent.js';
import { resolveSite } from './resolveSite.js';

type ScheduleIntent = Extract<Intent, { type: 'schedule' }>;

/** `schedule …` from chat: list, add (validated before it is stored), pause, resume, remove, run. */
export async function scheduleCommand(
  intent: ScheduleIntent,
  deps: {
    scheduler: Scheduler | undefined;
    inventory: Inventory;
    playbooks: ReadonlyMap<string, Playbook>;
    now: Date;
    /** Whether the requester may change schedules of a site (chat: its approvers). */
    mayManage: (site: string) => boolean;
    /** Every change is audited. */
    audit: (site: string, detail: Record<string, unknown>) => Promise<void>;
    /** Refusals (bad words, unknown site) at info with their code; real faults with their stack. */
    logger?: Logger;
  },
  origin: RunOrigin,
): Promise<Reply> {
  const { scheduler } = deps;
  const logger = deps.logger ?? silentLogger;
  if (!scheduler)
    return { type: 'error', code: 'schedule.off', message: 'schedules need the store; none is open' };
  try {
    switch (intent.op) {
      case 'list':
        return list(scheduler);
      case 'bad':
        logger.info({ code: 'schedule.usage', problem: intent.problem }, 'schedule command refused');
        return {
          type: 'error',
          code: 'schedule.usage',
          message: `${intent.problem ? `${intent.problem}. ` : ''}${usage}`,
        };
      case 'add': {
        const match = resolveSite(intent.query, deps.inventory);
        if (match.type !== 'site')
          throw new MedicError('site.unknown', `no single site matches "${intent.query}"`);
        if (!deps.playbooks.has(intent.playbook))
          throw new MedicError('playbook.unknown', `no playbook "${intent.playbook}"`);
        const timezone = intent.timezone ?? 'UTC';
        if (!isTimeZone(timezone))
          throw new MedicError('schedule.timezone', `"${timezone}" is not a time zone`);
        forbidIf(!deps.mayManage(match.site), match.site);
        const channel = intent.channel ?? origin.channel;
        const id = defaultScheduleId({
          site: match.site,
          playbook: intent.playbook,
          cron: intent.cron,
          timezone,
        });
        refuseExisting(scheduler, id);
        const schedule: Schedule = {
          id,
          cron: intent.cron,
          timezone,
          site: match.site,
          playbook: intent.playbook,
          ...(channel ? { channel } : {}),
          remindEveryMinutes: intent.remindEveryMinutes ?? 60,
          paused: false,
          source: 'chat',
          ...(origin.requestedBy ? { createdBy: origin.requestedBy } : {}),
          createdAt: deps.now.toISOString(),
        };
        await scheduler.add(schedule);
        await deps.audit(match.site, {
          op: 'add',
          id: schedule.id,
          cron: schedule.cron,
          timezone,
          playbook: intent.playbook,
          channel,
          remindEveryMinutes: schedule.remindEveryMinutes,
        });
        return list(scheduler, {
          op: 'added',
          id: schedule.id,
          playbook: intent.playbook,
          site: match.site,
          cron: intent.cron,
          timezone,
          remindEveryMinutes: schedule.remindEveryMinutes,
          postsIn: channel ?? null,
          standby: scheduler.standby,
        });
      }
      default: {
        const view = scheduler.list().find((v) => v.schedule.id === intent.id);
        if (!view) throw new MedicError('schedule.unknown', `there is no schedule "${intent.id}"`);
        forbidIf(!deps.mayManage(view.schedule.site), view.schedule.site);
        if (intent.op === 'remove' && view.schedule.source === 'config') {
          throw new MedicError(
            'schedule.config',
            `"${intent.id}" is declared in medic.yaml: pause it, or remove it there`,
          );
        }
        if (intent.op === 'run' && scheduler.standby) await scheduler.runNow(intent.id); // throws: not audited
        await deps.audit(view.schedule.site, { op: intent.op, id: intent.id });
        if (intent.op === 'run') {
          const started = await scheduler.runNow(intent.id);
          return list(scheduler, { op: 'ran', id: intent.id, started });
        }
        await scheduler[intent.op](intent.id);
        return list(scheduler, { op: done[intent.op], id: intent.id, standby: scheduler.standby });
      }
    }
  } catch (err) {
    logFailure(logger, err, { op: intent.op }, 'schedule command refused or failed');
    return { type: 'error', ...toSafeError(err, 'schedule.failed') };
  }
}

const done = { pause: 'paused', resume: 'resumed', remove: 'removed' } as const;

function list(scheduler: Scheduler, change?: ScheduleChange): Extract<Reply, { type: 'schedules' }> {
  return {
    type: 'schedules',
    schedules: scheduler.list().map((v) => ({
      id: v.schedule.id,
      cron: v.schedule.cron,
      timezone: v.schedule.timezone,
      site: v.schedule.site,
      playbook: v.schedule.playbook,
      channel: v.schedule.channel,
      paused: v.schedule.paused,
      source: v.schedule.source,
      nextRunAt: v.runtime.nextRunAt,
      status: v.running ? 'running' : v.runtime.incident.status,
    })),
    ...(change ? { change } : {}),
  };
}

const usage =
  'usage: schedule add "*/5 * * * *" <playbook> <site> [#channel] [tz=Europe/Berlin] [remind=60] | schedule list | schedule pause|resume|remove|run <id>';

/** Chat never replaces a schedule: the same id (same site, playbook, cron and zone) is refused. */
function refuseExisting(scheduler: Scheduler, id: string): void {
  const old = scheduler.list().find((v) => v.schedule.id === id)?.schedule;
  if (!old) return; // the store refuses it too (another process may have added it meanwhile)
  const where = old.source === 'config' ? ' (declared in medic.yaml; change it there)' : '';
  throw new MedicError(
    'schedule.exists',
    `"${id}" exists already${where}, ${old.paused ? 'paused' : 'running'}: use schedule pause|resume|remove ${id}`,
  );
}

function forbidIf(forbidden: boolean, site: string): void {
  if (forbidden)
    throw new MedicError('schedule.forbidden', `only approvers of ${site} may change its schedules`);
}
