import type { App } from '@slack/bolt';
import { INTERRUPTED } from '../../core/engine/runningDiagnoses.js';
import type { Approvals } from '../../core/model/approvals.js';
import type { Reply, ReplySink } from '../../core/model/reply.js';
import type { Logger } from '../../core/ports.js';
import { redactSecrets } from '../../core/redact.js';
import { renderReportText } from '../console/renderReportText.js';
import { type ChannelThrottle, PRIORITY } from './channelThrottle.js';
import { foldProgress, newProgress, type ProgressState, progressText } from './progressText.js';
import { replyMessage } from './replyBlocks.js';
import { reportBlocks } from './reportBlocks.js';

export type SlackClient = App['client'];

export interface ThreadTarget {
  channel: string;
  /** The message to reply under; undefined posts at the top of the channel. */
  threadTs: string | undefined;
}

/**
 * Turns conversation replies for one thread into Slack calls: one progress message edited in
 * place, then the summary, the full report as a file when it did not fit, errors as short text.
 */
export class ThreadReporter {
  private progress: ProgressState | undefined;
  private progressTs: string | undefined;
  private joined = false;

  constructor(
    private readonly client: SlackClient,
    private readonly target: ThreadTarget,
    private readonly throttle: ChannelThrottle,
    private readonly logger: Logger,
    private readonly command = '/medic',
    /** Scheduled incidents: a failed post is rethrown so the scheduler retries the notice. */
    private readonly rethrow = false,
    /** Told where a report with buttons was posted: clicks count only on that message. */
    private readonly onButtons?: (
      approvals: Approvals,
      posted: { channel: string; ts: string; threadTs?: string },
    ) => Promise<void>,
  ) {}

  readonly sink: ReplySink = (reply) => this.handle(reply);

  private post(message: { text: string; blocks?: unknown[] }, priority: number = PRIORITY.answer) {
    const { channel, threadTs } = this.target;
    return this.throttle.run(
      channel,
      () =>
        this.client.chat.postMessage({
          channel,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks as never } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          unfurl_links: false,
        }),
      priority,
    );
  }

  private editProgress(final = false) {
    const ts = this.progressTs;
    const state = this.progress;
    if (!ts || !state) return Promise.resolve();
    const key = `${this.target.channel}:${ts}`;
    const send = () =>
      this.client.chat.update({ channel: this.target.channel, ts, text: progressText(state) });
    if (final) {
      this.throttle.drop(key);
      return this.throttle.run(this.target.channel, send, PRIORITY.edit);
    }
    return this.throttle.update(this.target.channel, key, send);
  }

  private async handle(reply: Reply): Promise<void> {
    try {
      switch (reply.type) {
        case 'started': {
          // A thread that joins a running diagnosis gets its result, not a second progress message.
          if (reply.joined) {
            this.joined = true;
            return;
          }
          // Progress may already have arrived (the run starts before this reply): keep it.
          this.progress ??= newProgress(reply.site, reply.playbook);
          this.progress.playbook = reply.playbook;
          const res = await this.post({ text: progressText(this.progress) }, PRIORITY.progress);
          this.progressTs = res.ts;
          if (this.progress.done > 0 && !this.progress.finished) await this.editProgress();
          return;
        }
        case 'progress':
          if (this.joined) return;
          if (!this.progress) this.progress = newProgress(reply.site, '');
          foldProgress(this.progress, reply.event);
          if (this.progressTs) await this.editProgress();
          return;
        case 'report': {
          const r = reply.report;
          if (this.progress) {
            this.progress.done = this.progress.total;
            this.progress.finished = { status: r.status, seconds: r.durationMs / 1000 };
            await this.editProgress(true);
          }
          const rendered = reportBlocks(r, { approvals: reply.approvals });
          const joined = this.joined
            ? [
                {
                  type: 'context',
                  elements: [
                    {
                      type: 'mrkdwn',
                      text: ':link: Already being diagnosed when you reported it: here is that run.',
                    },
                  ],
                },
              ]
            : [];
          const posted = await this.post({
            text: rendered.text,
            blocks: [...joined, ...rendered.blocks].slice(0, 50),
          });
          if (reply.approvals && Object.keys(reply.approvals).length > 0 && posted.ts)
            await this.recordButtons(reply.approvals, posted.ts);
          if (rendered.clipped) await this.uploadReport(r.site, r.id, renderReportText(r));
          return;
        }
        case 'error':
          // Medic stopped mid-run: the progress message says so instead of counting forever.
          if (reply.code === INTERRUPTED && this.progress && !this.progress.finished) {
            this.progress.interrupted = true;
            await this.editProgress(true);
          }
          return await this.postReply(reply);
        default:
          return await this.postReply(reply);
      }
    } catch (err) {
      this.logger.error({ err, channel: this.target.channel }, 'Slack call failed');
      if (this.rethrow) throw err;
    }
  }

  private async postReply(reply: Reply): Promise<void> {
    const message = replyMessage(reply, this.command);
    if (message) await this.post(message);
  }

  private async recordButtons(approvals: Approvals, ts: string): Promise<void> {
    const { channel, threadTs } = this.target;
    await this.onButtons?.(approvals, { channel, ts, ...(threadTs ? { threadTs } : {}) }).catch((err) => {
      // The report is posted; with no message recorded, clicks count in the thread it was proposed for.
      this.logger.error({ err, channel }, 'could not record where the buttons were posted');
    });
  }

  /** The full report as a text file in the thread (files upload v2), secrets redacted. */
  private async uploadReport(site: string, id: string, text: string): Promise<void> {
    const { channel, threadTs } = this.target;
    const args = {
      channel_id: channel,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      filename: `medic-${site}-${id}.txt`,
      title: `Full diagnosis of ${site}`,
      content: text.split('\n').map(redactSecrets).join('\n'),
    };
    await this.throttle.run(channel, () =>
      this.client.filesUploadV2(args as Parameters<SlackClient['filesUploadV2']>[0]),
    );
  }
}
