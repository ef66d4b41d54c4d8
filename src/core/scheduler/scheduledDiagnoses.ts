import type { Reply, ReplySink } from '../conversation/reply.js';
import type { Diagnoser } from '../engine/diagnoser.js';
import type { Report } from '../model/report.js';
import type { Logger, RunOrigin, Store } from '../ports.js';
import type { Remediator } from '../remediation/remediator.js';
import type { SchedulerEvent } from './events.js';
import type { IncidentThread, RunOutcome } from './incidentTracker.js';
import type { Schedule } from './schedule.js';
import type { Scheduler } from './scheduler.js';

/** Where scheduled runs speak: a chat adapter opens one thread per incident. */
export interface IncidentPoster {
  /** A new top-level message in `channel`; its thread holds the incident. */
  open(channel: string, text: string): Promise<IncidentThread>;
  /** Replies into an incident's thread, rendered like any conversation. */
  sink(thread: IncidentThread): ReplySink;
  /** A one-off message in `channel` (missed runs, a slow run, a run that failed). */
  notice(channel: string, reply: Reply): Promise<void>;
}

/**
 * What a schedule does when it fires and when the scheduler detects a change: run the site's
 * playbook (stored with trigger `schedule`), then on change post the report with its approval
 * buttons in the incident's thread and let the self-healing policy act on it.
 */
export class ScheduledDiagnoses {
  private poster: IncidentPoster | undefined;
  private scheduler: Scheduler | undefined;
  /** Reports of runs not yet announced (the scheduler hands back only the id). */
  private readonly recent = new Map<string, Report>();
  private readonly healing = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      diagnoser: Diagnoser;
      store?: Store | undefined;
      remediator?: Remediator | undefined;
      /** Channel of schedules that name none. */
      defaultChannel?: string | undefined;
      logger: Logger;
    },
  ) {}

  private fallbackChannel: string | undefined;

  /** `fallbackChannel`: where schedules without a channel speak (the console has only one). */
  attach(scheduler: Scheduler, poster: IncidentPoster, fallbackChannel?: string): void {
    this.scheduler = scheduler;
    this.poster = poster;
    this.fallbackChannel = fallbackChannel;
  }

  private channelOf(s: Schedule): string | undefined {
    return s.channel ?? this.deps.defaultChannel ?? this.fallbackChannel;
  }

  private origin(s: Schedule, thread?: IncidentThread): RunOrigin {
    const channel = thread?.channel ?? this.channelOf(s);
    return {
      trigger: 'schedule',
      requestedBy: `schedule:${s.id}`,
      ...(channel ? { channel } : {}),
      ...(thread ? { threadTs: thread.ts } : {}),
    };
  }

  readonly run = async (s: Schedule): Promise<RunOutcome> => {
    const report = await this.deps.diagnoser.diagnose(s.site, {
      ...(s.playbook ? { playbook: s.playbook } : {}),
      origin: this.origin(s),
    });
    this.recent.set(report.id, report);
    if (this.recent.size > 50) this.recent.delete(this.recent.keys().next().value as string);
    return {
      id: report.id,
      status: report.status,
      topCause: report.status === 'healthy' ? null : (report.causes[0]?.id ?? null),
      startedAt: report.startedAt,
    };
  };

  readonly notify = async (event: SchedulerEvent): Promise<void> => {
    const s = event.schedule;
    const channel = this.channelOf(s);
    if (!this.poster || !channel) {
      this.deps.logger.info({ schedule: s.id, event: event.type }, 'scheduled run: nowhere to post');
      return;
    }
    const base = { scheduleId: s.id, site: s.site };
    switch (event.type) {
      case 'slow-run':
        return this.poster.notice(channel, {
          type: 'schedule-slow-run',
          ...base,
          runningForMs: event.runningForMs,
        });
      case 'missed':
        return this.poster.notice(channel, {
          type: 'schedule-missed',
          ...base,
          count: event.count,
          from: event.from,
          to: event.to,
          capped: event.capped,
        });
      case 'run-failed':
        return this.poster.notice(channel, {
          type: 'schedule-failed',
          ...base,
          code: event.code,
          message: event.message,
        });
      case 'incident':
        return this.incident(event, channel);
    }
  };

  private async incident(e: Extract<SchedulerEvent, { type: 'incident' }>, channel: string): Promise<void> {
    const poster = this.poster as IncidentPoster;
    const s = e.schedule;
    const report = this.recent.get(e.reportId) ?? (await this.deps.store?.getReport(e.reportId));
    let thread = e.state.thread;
    if (e.notify === 'recovered') {
      const since = e.state.since ?? report?.startedAt ?? '';
      const seconds = (Date.parse(report?.startedAt ?? since) - Date.parse(since)) / 1000;
      const reply: Reply = { type: 'schedule-recovered', scheduleId: s.id, site: s.site, since, seconds };
      return thread ? poster.sink(thread)(reply) : poster.notice(channel, reply);
    }
    if (!report) return;
    if (!thread) {
      thread = await poster.open(
        channel,
        `:rotating_light: *${s.site}* is ${report.status} (schedule \`${s.id}\`): ${report.headline}`,
      );
      await this.scheduler?.setThread(s.id, thread, e.state.incidentId);
    }
    const sink = poster.sink(thread);
    const origin = this.origin(s, thread);
    if (e.notify === 'reminder') {
      await sink({
        type: 'schedule-reminder',
        scheduleId: s.id,
        site: s.site,
        since: e.state.since ?? '',
        headline: report.headline,
      });
    } else {
      const approvals = (await this.deps.remediator?.propose(report, origin)) ?? {};
      await sink({ type: 'report', report, approvals });
    }
    // Scheduled diagnoses feed the self-healing policy (budget and breaker apply). Not awaited:
    // healing and its verification must not hold the schedule's next run back.
    const heal = this.deps.remediator?.healer
      .afterDiagnosis(report, origin, sink)
      .then(() => undefined)
      .catch((err) => this.deps.logger.error({ err, schedule: s.id }, 'self-healing failed'));
    if (heal) {
      this.healing.add(heal);
      void heal.finally(() => this.healing.delete(heal));
    }
  }

  /** Wait for self-healing started by schedules (before the store closes at shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.healing]);
  }
}
