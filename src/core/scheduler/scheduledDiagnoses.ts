import type { Diagnoser } from '../engine/diagnoser.js';
import type { Reply, ReplySink } from '../model/reply.js';
import type { Report } from '../model/report.js';
import type { ScheduleNotice } from '../model/scheduleNotice.js';
import type { Logger, RunOrigin, Store } from '../ports.js';
import type { RemediationSink } from '../remediation/remediationSink.js';
import type { Remediator } from '../remediation/remediator.js';
import type { SchedulerEvent } from './events.js';
import type { IncidentThread } from './incidentState.js';
import type { RunOutcome } from './incidentTracker.js';
import type { Schedule } from './schedule.js';
import type { Scheduler } from './scheduler.js';

/** Where scheduled runs speak: a chat adapter opens one thread per incident. */
export interface IncidentPoster {
  /** A new top-level message in `channel` saying `notice`; its thread holds the incident. */
  open(channel: string, notice: IncidentOpened): Promise<IncidentThread>;
  /** Replies into an incident's thread, rendered like any conversation. */
  sink(thread: IncidentThread): ReplySink;
  /** A one-off message in `channel` (missed runs, a slow run, a run that failed). */
  notice(channel: string, reply: Reply): Promise<void>;
}

type IncidentEvent = Extract<SchedulerEvent, { type: 'incident' }>;
export type IncidentOpened = Extract<ScheduleNotice, { type: 'schedule-incident-opened' }>;

/**
 * What a schedule does when it fires and when the scheduler detects a change: run the site's
 * playbook (stored with trigger `schedule`), then on change post the report with its approval
 * buttons in the incident's thread; every failing report goes to the self-healing policy.
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

  /**
   * Who asked: the person who created a chat schedule (so four-eyes keeps them from approving
   * what their own schedule proposes), else the schedule itself (config schedules).
   */
  private origin(s: Schedule, thread?: IncidentThread): RunOrigin {
    const channel = thread?.channel ?? this.channelOf(s);
    return {
      trigger: 'schedule',
      requestedBy: s.createdBy ?? `schedule:${s.id}`,
      ...(channel ? { channel } : {}),
      ...(thread ? { threadTs: thread.ts } : {}),
    };
  }

  /** SchedulerDeps.check: a schedule whose playbook is not loaded cannot run. */
  readonly check = (s: Schedule): void => {
    if (s.playbook !== undefined) this.deps.diagnoser.playbook(s.playbook);
  };

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

  /** True when delivered (or there is nowhere to deliver it: retrying would not help). */
  readonly notify = async (event: SchedulerEvent): Promise<boolean> => {
    const s = event.schedule;
    const channel = this.channelOf(s);
    if (!this.poster || !channel) {
      this.deps.logger.info({ schedule: s.id, event: event.type }, 'scheduled run: nowhere to post');
      const report = 'reportId' in event ? await this.report(event.reportId) : undefined;
      if (report) this.heal(s, report, undefined, undefined, false);
      return true;
    }
    const base = { scheduleId: s.id, site: s.site };
    switch (event.type) {
      case 'slow-run':
        await this.poster.notice(channel, {
          type: 'schedule-slow-run',
          ...base,
          runningForMs: event.runningForMs,
        });
        return true;
      case 'missed': {
        const { count, from, to, capped } = event;
        const reply: Reply = {
          type: 'schedule-missed',
          ...base,
          timezone: s.timezone,
          count,
          from,
          to,
          capped,
        };
        await this.poster.notice(channel, reply);
        return true;
      }
      case 'run-failed':
        await this.poster.notice(channel, {
          type: 'schedule-failed',
          ...base,
          code: event.code,
          message: event.message,
        });
        return true;
      case 'unchanged': {
        const report = await this.report(event.reportId);
        if (report) this.heal(s, report, channel, event.state.thread, false);
        return true;
      }
      case 'incident':
        return this.incident(event, channel);
    }
  };

  private async report(id: string): Promise<Report | undefined> {
    return this.recent.get(id) ?? (await this.deps.store?.getReport(id));
  }

  private async incident(e: IncidentEvent, channel: string): Promise<boolean> {
    const poster = this.poster as IncidentPoster;
    const s = e.schedule;
    const report = await this.report(e.reportId);
    let thread = e.state.thread;
    if (e.notify === 'recovered') {
      const since = e.state.since ?? report?.startedAt ?? '';
      const seconds = (Date.parse(report?.startedAt ?? since) - Date.parse(since)) / 1000;
      const reply: Reply = {
        type: 'schedule-recovered',
        scheduleId: s.id,
        site: s.site,
        timezone: s.timezone,
        since,
        seconds,
      };
      await (thread ? poster.sink(thread)(reply) : poster.notice(channel, reply));
      return true;
    }
    if (!report) {
      this.deps.logger.warn({ schedule: s.id, report: e.reportId }, 'report gone: notice dropped');
      return true;
    }
    let posted = false;
    try {
      if (!thread) {
        thread = await poster.open(channel, {
          type: 'schedule-incident-opened',
          scheduleId: s.id,
          site: s.site,
          status: report.status,
          headline: report.headline,
        });
        await this.scheduler?.setThread(s.id, thread, e.state.incidentId);
      }
      const sink = poster.sink(thread);
      if (e.notify === 'reminder') {
        await sink({
          type: 'schedule-reminder',
          scheduleId: s.id,
          site: s.site,
          timezone: s.timezone,
          since: e.state.since ?? '',
          headline: report.headline,
        });
      } else {
        const approvals = (await this.deps.remediator?.propose(report, this.origin(s, thread))) ?? {};
        await sink({ type: 'report', report, approvals });
      }
      posted = true;
    } finally {
      // Healing does not wait for the chat: it runs whether or not the notice got out.
      this.heal(s, report, channel, thread, posted);
    }
    return true;
  }

  /**
   * Hand a failing report to the self-healing policy (budget and breaker apply), not awaited:
   * healing and its verification must not hold the schedule's next run back. `announced`:
   * this run posted something. On a quiet run, "healing is paused" (the breaker was already
   * open) is not said again; what happens (a run, its result, the breaker opening) is.
   */
  private heal(
    s: Schedule,
    report: Report,
    channel: string | undefined,
    thread: IncidentThread | undefined,
    announced: boolean,
  ): void {
    const healer = this.deps.remediator?.healer;
    if (!healer || report.status === 'healthy') return;
    const poster = this.poster;
    const say: ReplySink =
      poster && thread
        ? poster.sink(thread)
        : poster && channel
          ? (reply) => poster.notice(channel, reply)
          : (reply) =>
              this.deps.logger.info({ schedule: s.id, reply: reply.type }, 'self-healing: nowhere to post');
    const sink: RemediationSink = (reply) =>
      !announced && reply.type === 'heal-paused' && !reply.opened ? undefined : say(reply);
    const heal = healer
      .afterDiagnosis(report, this.origin(s, thread), sink)
      .then(() => undefined)
      .catch((err) => this.deps.logger.error({ err, schedule: s.id }, 'self-healing failed'));
    this.healing.add(heal);
    void heal.finally(() => this.healing.delete(heal));
  }

  /** Wait for self-healing started by schedules (before the store closes at shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.healing]);
  }
}
