import type { Conversation } from '../../core/conversation/conversation.js';
import { MedicError } from '../../core/errors.js';
import { logFailure } from '../../core/logFailure.js';
import type { Approvals } from '../../core/model/approvals.js';
import type { Reply } from '../../core/model/reply.js';
import type { Clock, Logger, RunOrigin } from '../../core/ports.js';
import type { PostedMessage } from '../../core/remediation/buttonPlace.js';
import type { Remediator } from '../../core/remediation/remediator.js';
import type { IncidentOpened, IncidentPoster } from '../../core/scheduler/scheduledDiagnoses.js';
import { escapeMrkdwn } from './blockLimits.js';
import { type BoltSettings, createBoltApp } from './boltApp.js';
import { ChannelThrottle, PRIORITY } from './channelThrottle.js';
import { registerRemediation } from './remediationListeners.js';
import { replyMessage } from './replyBlocks.js';
import { scheduleMessage } from './scheduleBlocks.js';
import { SlackDirectory } from './slackDirectory.js';
import { ThreadReporter, type ThreadTarget } from './threadReporter.js';

export interface SlackSettings extends BoltSettings {
  /** Socket Mode (default): no public URL needed. */
  appToken?: string | undefined;
  /** HTTP mode: requests are verified with it (v0 HMAC-SHA256, 5-minute window). */
  signingSecret?: string | undefined;
  channels: string[];
  command: string;
  /** Skip auth.test at start (both or neither). */
  botId?: string | undefined;
  botUserId?: string | undefined;
  /** The workspace Medic is installed in ($SLACK_TEAM_ID); else auth.test says it at start. */
  teamId?: string | undefined;
  /** Minimum spacing of calls per channel (Slack: about one message per second). */
  throttleMs?: number;
}

/** Settings from the environment (tokens never live in the config file) and medic.yaml's `slack`. */
export function slackSettings(
  env: NodeJS.ProcessEnv,
  config: { channels: string[]; command: string; port: number; apiUrl?: string | undefined },
  http: boolean,
): SlackSettings {
  const botToken = env.SLACK_BOT_TOKEN;
  if (!botToken) throw new MedicError('slack.config', 'SLACK_BOT_TOKEN is not set');
  if (http && !env.SLACK_SIGNING_SECRET)
    throw new MedicError('slack.config', 'HTTP mode needs SLACK_SIGNING_SECRET');
  if (!http && !env.SLACK_APP_TOKEN)
    throw new MedicError('slack.config', 'Socket Mode needs SLACK_APP_TOKEN (or use --http)');
  return {
    botToken,
    appToken: env.SLACK_APP_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    mode: http ? 'http' : 'socket',
    port: config.port,
    apiUrl: env.SLACK_API_URL ?? config.apiUrl,
    channels: config.channels,
    command: config.command,
    teamId: env.SLACK_TEAM_ID,
  };
}

/** The Slack chat adapter: Bolt listeners feeding the conversation core, replies per thread. */
export interface SlackRemediation {
  remediator: Remediator;
  /** The user groups named by approver rules (looked up with usergroups.users.list). */
  groups: string[];
  clock: Clock;
}

export function createSlackBot(
  settings: SlackSettings,
  conversation: Conversation,
  logger: Logger,
  remediation?: SlackRemediation,
) {
  // Requests Bolt refuses (bad signature, stale timestamp) never reach a listener: audit them.
  const rejected = (message: string) => {
    if (!remediation || !message.startsWith('Failed to parse and verify the request data')) return;
    const reason = /stale|timestamp/i.test(message) ? 'stale-timestamp' : 'bad-signature';
    void remediation.remediator
      .auditRejectedRequest(reason)
      .catch((err) => logger.error({ err }, 'audit failed'));
  };
  const app = createBoltApp(settings, logger, rejected);
  const throttle = new ChannelThrottle(settings.throttleMs ?? 1000);
  const directory =
    remediation && new SlackDirectory(app.client, remediation.groups, remediation.clock, logger);
  // Clicks count only from the installing workspace, on a message that carries their buttons.
  let installedTeam = settings.teamId;
  const onButtons = remediation
    ? (approvals: Approvals, posted: PostedMessage) =>
        remediation.remediator.bindMessage(
          Object.values(approvals).map((a) => a.id),
          posted,
        )
    : undefined;
  const reporter = (target: ThreadTarget, rethrow = false) =>
    new ThreadReporter(app.client, target, throttle, logger, settings.command, rethrow, onButtons);
  const run = (work: Promise<void>) =>
    work.catch((err) => logFailure(logger, err, {}, 'Slack handler failed'));

  // "@medic 502 on shop" anywhere it is invited: answer in the thread of that message.
  app.event('app_mention', async ({ event }) => {
    const origin: RunOrigin = {
      trigger: 'slack',
      requestedBy: event.user ?? '',
      channel: event.channel,
      threadTs: event.thread_ts ?? event.ts,
    };
    // "@medic schedule …": who may change schedules depends on user groups too.
    if (/\bschedules?\b/i.test(event.text) && directory && event.user)
      origin.groups = await directory.groupsOf(event.user);
    void run(
      conversation.handle(
        event.text,
        reporter({ channel: event.channel, threadTs: origin.threadTs }).sink,
        origin,
      ),
    );
  });

  // Plain messages in watched channels: only problem reports naming a known site get an answer.
  app.message(async ({ message, context }) => {
    if (message.subtype !== undefined || !('text' in message) || !message.text) return;
    if (!settings.channels.includes(message.channel)) return;
    if (context.botUserId && message.text.includes(`<@${context.botUserId}>`)) return; // app_mention has it
    const threadTs = message.thread_ts ?? message.ts;
    const origin: RunOrigin = {
      trigger: 'slack',
      requestedBy: message.user,
      channel: message.channel,
      threadTs,
    };
    void run(
      conversation.handle(message.text, reporter({ channel: message.channel, threadTs }).sink, origin, {
        passive: true,
      }),
    );
  });

  // /medic diagnose shop | status | history shop | playbooks | help
  app.command(settings.command, async ({ command, ack, respond, client }) => {
    await ack();
    const text = command.text.trim() || 'help';
    const origin: RunOrigin = { trigger: 'slack', requestedBy: command.user_id, channel: command.channel_id };
    if (/^schedules?\b/i.test(text) && directory) origin.groups = await directory.groupsOf(command.user_id);
    if (!/^(diagnose|triage|check|run)\b/i.test(text)) {
      // Lookups answer only the asker (ephemeral, via response_url).
      void run(
        conversation.handle(
          text,
          async (reply) => {
            const message = replyMessage(reply, settings.command);
            if (message) await respond({ response_type: 'ephemeral', ...message } as never);
          },
          origin,
        ),
      );
      return;
    }
    // A diagnosis gets a visible thread: a root message, then everything under it.
    const root = await throttle.run(command.channel_id, () =>
      client.chat.postMessage({
        channel: command.channel_id,
        // The user's words are shown, never interpreted: escaped, and no way out of the code span.
        text: `<@${command.user_id}> asked: \`${settings.command} ${escapeMrkdwn(unescapeSlack(text).slice(0, 200)).replaceAll('`', "'")}\``,
      }),
    );
    const target = { channel: command.channel_id, threadTs: root.ts };
    void run(conversation.handle(text, reporter(target).sink, { ...origin, threadTs: root.ts }));
  });

  // A site picked from a picker: the button's value is an inventory site name.
  app.action(/^medic_pick_site_\d+$/, async ({ ack, body, action }) => {
    await ack();
    if (action.type !== 'button' || body.type !== 'block_actions' || !body.channel || !body.message) return;
    const threadTs = (body.message.thread_ts as string | undefined) ?? (body.message.ts as string);
    const origin: RunOrigin = {
      trigger: 'slack',
      requestedBy: body.user.id,
      channel: body.channel.id,
      threadTs,
    };
    void run(
      conversation.handle(
        `diagnose ${action.value}`,
        reporter({ channel: body.channel.id, threadTs }).sink,
        origin,
      ),
    );
  });

  if (remediation && directory) {
    registerRemediation(app, {
      remediator: remediation.remediator,
      directory,
      reporter,
      update: async (channel, ts, text, blocks) => {
        await throttle.run(
          channel,
          () => app.client.chat.update({ channel, ts, text, blocks: blocks as never }),
          PRIORITY.answer,
        );
      },
      logger,
      installedTeam: () => installedTeam,
    });
  }

  let sweep: NodeJS.Timeout | undefined;
  app.error(async (err) => {
    // Bolt wraps what a listener threw: a MedicError inside is an expected refusal, not a crash.
    logFailure(logger, (err as { original?: unknown }).original ?? err, {}, 'Slack app error');
  });

  return {
    app,
    async start(): Promise<void> {
      if (remediation && !installedTeam) installedTeam = await teamOf(app);
      if (settings.mode === 'http') await app.start(settings.port);
      else await app.start();
      // Pending approvals past their expiry are marked expired (and audited) once a minute.
      if (remediation) {
        sweep = setInterval(() => {
          remediation.remediator.expireDue().catch((err) => logger.error({ err }, 'expiry sweep failed'));
        }, 60_000);
        sweep.unref();
      }
    },
    /** Where scheduled runs speak: a root message per incident, the rest in its thread. */
    poster: {
      async open(channel: string, notice: IncidentOpened) {
        const { text } = scheduleMessage(notice);
        const res = await throttle.run(channel, () => app.client.chat.postMessage({ channel, text }));
        return { channel, ts: String(res.ts) };
      },
      // Rethrowing: a failed post leaves the incident's notice pending, and it is sent again.
      sink: (thread: { channel: string; ts: string }) =>
        reporter({ channel: thread.channel, threadTs: thread.ts }, true).sink,
      async notice(channel: string, reply: Reply) {
        const message = replyMessage(reply, settings.command);
        if (!message) return;
        await throttle.run(channel, () =>
          app.client.chat.postMessage({
            channel,
            text: message.text,
            ...(message.blocks ? { blocks: message.blocks as never } : {}),
          }),
        );
      },
    } satisfies IncidentPoster,
    /** The HTTP receiver's port (after start, e.g. when started on port 0). */
    httpPort(): number | undefined {
      const server = (app as unknown as { receiver?: { server?: { address(): unknown } } }).receiver?.server;
      const address = server?.address() as { port?: number } | null | undefined;
      return address?.port;
    },
    async stop(): Promise<void> {
      if (sweep) clearInterval(sweep);
      await app.stop();
    },
  };
}

/** The workspace the bot token belongs to (auth.test); Medic does not serve clicks without it. */
async function teamOf(app: ReturnType<typeof createBoltApp>): Promise<string> {
  const auth = await app.client.auth.test().catch((err: unknown) => {
    throw new MedicError('slack.auth', 'auth.test failed: cannot tell which workspace Medic is in', {
      cause: err,
    });
  });
  if (!auth.team_id) throw new MedicError('slack.auth', 'auth.test named no workspace (team_id)');
  return auth.team_id;
}

/** Escaped slash-command text as people typed it: `<#C1|ops>` → `#ops`, `<@U1|ann>` → `@ann`. */
export function unescapeSlack(text: string): string {
  return text
    .replace(/<([#@])[A-Z0-9]+\|([^>]*)>/g, '$1$2')
    .replace(/<(https?:\/\/[^|>]+)(?:\|[^>]*)?>/g, '$1')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}
