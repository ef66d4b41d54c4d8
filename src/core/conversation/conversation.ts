import type { Diagnoser } from '../engine/diagnoser.js';
import { toSafeError } from '../errors.js';
import { logFailure } from '../logFailure.js';
import type { Approvals } from '../model/approvals.js';
import type { Inventory } from '../model/inventory.js';
import type { Reply, ReplySink } from '../model/reply.js';
import type { Playbook } from '../playbooks/playbook.js';
import { type Clock, type Logger, type RunOrigin, type Store, systemClock } from '../ports.js';
import type { Remediator } from '../remediation/remediator.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { parseIntent } from './parseIntent.js';
import { resolveSite, type SiteMatch } from './resolveSite.js';
import { RunCoalescer } from './runCoalescer.js';
import { scheduleCommand } from './scheduleCommands.js';

/**
 * The chat-independent conversation: a line of text in, neutral replies out. The console
 * and Slack adapters both drive this; only rendering and transport differ.
 */
export class Conversation {
  private readonly runs = new RunCoalescer();

  constructor(
    private readonly inventory: Inventory,
    private readonly playbooks: ReadonlyMap<string, Playbook>,
    private readonly diagnoser: Diagnoser,
    private readonly logger: Logger,
    private readonly store?: Store,
    private readonly remediator?: Remediator,
    private readonly scheduler?: Scheduler,
    private readonly clock: Clock = systemClock,
  ) {}

  /** One set of pending approvals per report, however many threads joined its run. */
  private readonly proposals = new Map<string, Promise<Approvals>>();

  /**
   * Answer one line of chat. `passive` is for messages nobody addressed to Medic (a watched
   * channel): it then acts only on a problem report naming a known site, and stays silent otherwise.
   */
  async handle(
    text: string,
    reply: ReplySink,
    origin: RunOrigin = { trigger: 'console' },
    opts: { passive?: boolean } = {},
  ): Promise<void> {
    const intent = parseIntent(text);
    if (opts.passive) {
      if (intent.type !== 'diagnose') return;
      const match = resolveSite(intent.query, this.inventory);
      if (match.type === 'unknown') return;
    }
    switch (intent.type) {
      case 'help':
        return reply({
          type: 'help',
          sites: Object.keys(this.inventory.sites),
          playbooks: [...this.playbooks.keys()],
        });
      case 'sites':
        return reply({
          type: 'sites',
          sites: Object.entries(this.inventory.sites).map(([name, s]) => ({
            name,
            url: s.url,
            hosts: s.hosts,
          })),
        });
      case 'playbooks':
        return reply({
          type: 'playbooks',
          playbooks: [...this.playbooks.values()].map((p) => ({
            id: p.id,
            title: p.title,
            description: p.description,
          })),
        });
      case 'unknown':
        return reply({ type: 'not-understood', text: intent.text });
      case 'status':
        return reply({
          type: 'status',
          running: this.runs.inProgress().map((k) => k.split('\u0000')[0] as string),
          latest: (await this.store?.latestPerSite()) ?? [],
          sites: Object.keys(this.inventory.sites),
        });
      case 'history': {
        const match = resolveSite(intent.query, this.inventory);
        if (match.type !== 'site') return this.siteMiss(match, intent.query, reply);
        return reply({
          type: 'history',
          site: match.site,
          entries: (await this.store?.history(match.site, 10)) ?? [],
        });
      }
      case 'schedule':
        return reply(
          await scheduleCommand(
            intent,
            {
              scheduler: this.scheduler,
              inventory: this.inventory,
              playbooks: this.playbooks,
              now: this.clock.now(),
              // In chat, approvers of the site; at the console or terminal, the local operator.
              mayManage: (site) =>
                origin.trigger !== 'slack' ||
                (this.remediator?.mayManageSchedules(site, {
                  userId: origin.requestedBy ?? '',
                  groups: origin.groups ?? [],
                }) ??
                  false),
              audit: async (site, detail) => {
                await this.remediator?.auditSchedule(site, origin.requestedBy ?? origin.trigger, detail);
              },
              logger: this.logger,
            },
            origin,
          ),
        );
      case 'audit': {
        let site: string | undefined;
        if (intent.query) {
          const match = resolveSite(intent.query, this.inventory);
          if (match.type !== 'site') return this.siteMiss(match, intent.query, reply);
          site = match.site;
        }
        const entries = this.remediator ? await this.remediator.auditLog(site, 20) : [];
        return reply({ type: 'audit', site, entries });
      }
      case 'diagnose': {
        const match = resolveSite(intent.query, this.inventory);
        if (match.type !== 'site') return this.siteMiss(match, intent.query, reply);
        return this.diagnose(match.site, intent.playbook, reply, origin);
      }
    }
  }

  private propose(report: Parameters<Remediator['propose']>[0], origin: RunOrigin): Promise<Approvals> {
    if (!this.remediator) return Promise.resolve({});
    return this.remediator.propose(report, origin).catch((err) => {
      this.logger.error({ err, report: report.id }, 'could not store pending approvals');
      return {};
    });
  }

  private remember(id: string, approvals: Promise<Approvals>): void {
    this.proposals.set(id, approvals);
    if (this.proposals.size > 200) this.proposals.delete(this.proposals.keys().next().value as string);
  }

  /** Never guess: a picker when several sites match, close names when none does. */
  private siteMiss(match: Exclude<SiteMatch, { type: 'site' }>, query: string, reply: ReplySink) {
    this.logger.info({ code: `site.${match.type}`, query: query.slice(0, 100) }, 'no single site matches');
    return match.type === 'ambiguous'
      ? reply({ type: 'picker', query, sites: match.sites })
      : reply({
          type: 'unknown-site',
          query,
          suggestions: match.suggestions,
          known: Object.keys(this.inventory.sites),
        });
  }

  /** Diagnose a site (joining a run in progress for it) and send progress and the report. */
  async diagnose(
    site: string,
    playbook: string | undefined,
    reply: ReplySink,
    origin: RunOrigin = { trigger: 'console' },
  ): Promise<void> {
    const send = (r: Reply) => {
      Promise.resolve(reply(r)).catch((err) => this.logger.warn({ err }, 'reply failed'));
    };
    try {
      const pb = playbook ?? this.inventory.sites[site]?.playbook ?? '502-triage';
      this.diagnoser.playbook(pb); // unknown playbook: fail before starting
      const { report, joined } = this.runs.run(
        `${site}\u0000${pb}`,
        (onProgress) => this.diagnoser.diagnose(site, { playbook: pb, onProgress, origin }),
        (event) => send({ type: 'progress', site, event }),
      );
      await reply({ type: 'started', site, playbook: pb, joined });
      const r = await report;
      const first = !this.proposals.has(r.id);
      if (first) this.remember(r.id, this.propose(r, origin));
      const approvals = await this.proposals.get(r.id);
      await reply({ type: 'report', report: r, ...(approvals ? { approvals } : {}) });
      // Self-healing runs once per diagnosis, reported in the thread that started it.
      if (first && this.remediator) await this.remediator.healer.afterDiagnosis(r, origin, reply);
    } catch (err) {
      logFailure(this.logger, err, { site }, 'diagnosis failed');
      await reply({ type: 'error', ...toSafeError(err, 'diagnose.failed') });
    }
  }
}
