import type { Diagnoser } from '../engine/diagnoser.js';
import { toSafeError } from '../errors.js';
import type { Inventory } from '../model/inventory.js';
import type { Playbook } from '../playbooks/playbook.js';
import type { Logger } from '../ports.js';
import { parseIntent } from './parseIntent.js';
import type { Reply, ReplySink } from './reply.js';
import { resolveSite } from './resolveSite.js';
import { RunCoalescer } from './runCoalescer.js';

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
  ) {}

  async handle(text: string, reply: ReplySink): Promise<void> {
    const intent = parseIntent(text);
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
      case 'diagnose': {
        const match = resolveSite(intent.query, this.inventory);
        if (match.type === 'ambiguous')
          return reply({ type: 'picker', query: intent.query, sites: match.sites });
        if (match.type === 'unknown') {
          return reply({
            type: 'unknown-site',
            query: intent.query,
            suggestions: match.suggestions,
            known: Object.keys(this.inventory.sites),
          });
        }
        return this.diagnose(match.site, intent.playbook, reply);
      }
    }
  }

  /** Diagnose a site (joining a run in progress for it) and send progress and the report. */
  async diagnose(site: string, playbook: string | undefined, reply: ReplySink): Promise<void> {
    const send = (r: Reply) => {
      Promise.resolve(reply(r)).catch((err) => this.logger.warn({ err }, 'reply failed'));
    };
    try {
      const pb = playbook ?? this.inventory.sites[site]?.playbook ?? '502-triage';
      this.diagnoser.playbook(pb); // unknown playbook: fail before starting
      const { report, joined } = this.runs.run(
        `${site}\u0000${pb}`,
        (onProgress) => this.diagnoser.diagnose(site, { playbook: pb, onProgress }),
        (event) => send({ type: 'progress', site, event }),
      );
      await reply({ type: 'started', site, playbook: pb, joined });
      await reply({ type: 'report', report: await report });
    } catch (err) {
      this.logger.error({ err, site }, 'diagnosis failed');
      await reply({ type: 'error', ...toSafeError(err, 'diagnose.failed') });
    }
  }
}
