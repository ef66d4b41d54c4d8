import type { App } from '@slack/bolt';
import { logFailure } from '../../core/logFailure.js';
import type { Logger } from '../../core/ports.js';
import type { ClickPlace } from '../../core/remediation/buttonPlace.js';
import type { Actor, RemediationSink, Remediator } from '../../core/remediation/remediator.js';
import { type Block, escapeMrkdwn } from './blockLimits.js';
import { remediationMessage } from './remediationBlocks.js';
import { retireActionRow } from './reportBlocks.js';
import type { SlackDirectory } from './slackDirectory.js';
import type { ThreadReporter, ThreadTarget } from './threadReporter.js';

type Kind = 'approve' | 'dryrun' | 'reject';

/**
 * The buttons under a report: approve, dry run, reject. A button's value is only the opaque id
 * of a pending action; who may do what is decided server-side from the stored record. Refusals
 * and dry runs answer the clicker alone (ephemeral); outcomes go to the thread.
 */
export function registerRemediation(
  app: App,
  deps: {
    remediator: Remediator;
    directory: SlackDirectory;
    reporter: (target: ThreadTarget) => ThreadReporter;
    /** chat.update of the report message (spaced like every other call to the channel). */
    update: (channel: string, ts: string, text: string, blocks: Block[]) => Promise<void>;
    logger: Logger;
    /** The workspace Medic is installed in (known once started). */
    installedTeam: () => string | undefined;
  },
): void {
  const handle = (kind: Kind) =>
    app.action(new RegExp(`^medic_${kind}_\\d+$`), async ({ ack, body, action, respond }) => {
      await ack();
      if (action.type !== 'button' || body.type !== 'block_actions') return;
      const ephemeral = (text: string, blocks?: unknown[]) =>
        respond({
          response_type: 'ephemeral',
          replace_original: false,
          text,
          ...(blocks ? { blocks } : {}),
        } as never);
      const threadTs =
        (body.message?.thread_ts as string | undefined) ?? (body.message?.ts as string | undefined);
      const thread = body.channel ? deps.reporter({ channel: body.channel.id, threadTs }).sink : undefined;
      // Once decided, the action's buttons are replaced in the report by who decided what.
      let retired = false;
      const retire = async (text: string) => {
        const blocks = body.message?.blocks as Block[] | undefined;
        const blockId = (body.actions[0] as { block_id?: string } | undefined)?.block_id;
        if (retired || !blocks || !blockId || !body.channel || !body.message) return;
        retired = true;
        await deps
          .update(
            body.channel.id,
            body.message.ts as string,
            String(body.message.text ?? ''),
            retireActionRow(blocks, blockId, text),
          )
          .catch((err) => deps.logger.warn({ err }, 'could not retire the buttons'));
      };
      const sink: RemediationSink = async (reply) => {
        if (reply.type === 'remediation-started' || reply.type === 'remediation-done')
          await retire(
            `:white_check_mark: Approved by <@${body.user.id}>: ${escapeMrkdwn(reply.action.title)}`,
          );
        if (reply.type === 'remediation-rejected')
          await retire(`:no_entry_sign: Rejected by <@${body.user.id}>: ${escapeMrkdwn(reply.action.title)}`);
        if (reply.type === 'remediation-refused' || reply.type === 'dry-run' || !thread) {
          if (reply.type === 'report') return thread?.(reply);
          const m = remediationMessage(reply);
          await ephemeral(m.text, m.blocks);
          return;
        }
        await thread(reply);
      };
      try {
        const actor: Actor = {
          userId: body.user.id,
          groups: await deps.directory.groupsOf(body.user.id),
          click: clickPlace(body, deps.installedTeam()),
        };
        const id = action.value ?? '';
        if (kind === 'approve') await deps.remediator.approve(id, actor, sink);
        else if (kind === 'reject') await deps.remediator.reject(id, actor, sink);
        else await deps.remediator.dryRunPending(id, actor, sink);
      } catch (err) {
        logFailure(deps.logger, err, { kind }, `remediation ${kind} failed`);
        await ephemeral(':warning: Medic could not handle that click (details in its log).').catch(
          () => undefined,
        );
      }
    });
  handle('approve');
  handle('dryrun');
  handle('reject');
}

/**
 * Where a click came from, as the payload says. Slack names the channel and the message twice
 * (`channel`/`container.channel_id`, `message.ts`/`container.message_ts`): when the two
 * disagree the place is unknown, and the click is refused.
 */
function clickPlace(
  body: {
    team: { id: string } | null;
    user: { team_id?: string };
    channel?: { id: string };
    container?: Record<string, unknown>;
    message?: Record<string, unknown>;
  },
  installedTeam: string | undefined,
): ClickPlace {
  const one = (a: unknown, b: unknown) =>
    a !== undefined && b !== undefined && a !== b ? undefined : ((a ?? b) as string | undefined);
  return {
    team: body.team?.id ?? body.user.team_id,
    installedTeam,
    channel: one(body.channel?.id, body.container?.channel_id),
    messageTs: one(body.message?.ts, body.container?.message_ts),
    threadTs: one(body.message?.thread_ts, body.container?.thread_ts),
  };
}
