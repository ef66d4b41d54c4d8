/**
 * A Medic Slack bot with remediation, on a real config and store, against the fake Slack:
 * what `medic serve --http` builds, with test settings (port 0, fast throttle).
 */
import { createSlackBot } from '../../src/adapters/slack/slackBot.js';
import { createMedic, type Medic } from '../../src/composition.js';
import { type Clock, systemClock } from '../../src/core/ports.js';
import type { FakeSlack } from './fakeSlack.js';
import { buttonClick, post, sign } from './slackRequests.js';

export const SECRET = 'remediation-signing-secret';

export interface RemediationBot {
  medic: Medic;
  bot: ReturnType<typeof createSlackBot>;
  port: number;
  /** POST an event (JSON) or a form (slash command, click `payload=`), signed unless headers are given; the HTTP status. */
  send(body: string, headers?: Record<string, string>): Promise<number>;
  /**
   * A signed click on one of a report's buttons: by default on the report in thread `threadTs`
   * that carries the button (as Slack sends it: that message's ts and blocks), from C1 in T1.
   */
  click(
    actionId: string,
    value: string,
    user: string,
    threadTs: string,
    responseId: string,
    /** The clicked message (its ts and blocks) and the button's block, as Slack sends them. */
    message?: { ts: string; blocks: unknown[]; blockId: string },
    from?: { channel?: string; team?: string },
  ): Promise<number>;
  /** The body of such a click (to send it several times, or with other headers). */
  clickBody(actionId: string, value: string, user: string, threadTs: string, responseId: string): string;
  stop(): Promise<void>;
}

export async function startRemediationBot(
  configFile: string,
  fake: FakeSlack,
  clock: Clock = systemClock,
): Promise<RemediationBot> {
  const medic = createMedic(configFile, { logLevel: 'silent', clock });
  const bot = createSlackBot(
    {
      botToken: 'xoxb-remediation',
      signingSecret: SECRET,
      mode: 'http',
      port: 0,
      apiUrl: fake.apiUrl,
      channels: ['C1'],
      command: '/medic',
      botId: 'B1',
      botUserId: 'UBOT',
      throttleMs: 100,
    },
    medic.conversation,
    medic.logger,
    medic.remediator && {
      remediator: medic.remediator,
      groups: [...new Set(medic.config.remediation.approvers.flatMap((a) => a.groups))],
      clock,
    },
  );
  await bot.start();
  const port = bot.httpPort() ?? 0;
  const send = async (body: string, headers = sign(SECRET, body)) => {
    const type = body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded';
    return (await post(port, body, type, headers)).status;
  };
  return {
    medic,
    bot,
    port,
    send,
    async click(actionId, value, user, threadTs, responseId, message, from = {}) {
      const clicked = message ?? carrying(fake, threadTs, value);
      const url = fake.responseUrl(responseId);
      return send(buttonClick(actionId, value, url, threadTs, from.channel, user, clicked, from.team));
    },
    clickBody(actionId, value, user, threadTs, responseId) {
      const url = fake.responseUrl(responseId);
      return buttonClick(actionId, value, url, threadTs, 'C1', user, carrying(fake, threadTs, value));
    },
    async stop() {
      await bot.stop();
      await medic.store?.close();
    },
  };
}

/** The newest message Medic posted in thread `threadTs` with a button whose value is `value`. */
export function carrying(
  fake: FakeSlack,
  threadTs: string,
  value: string,
): { ts: string; blocks: unknown[]; blockId: string } | undefined {
  type Block = { block_id?: string; elements?: Array<{ value?: string }> };
  const posts = fake.of('chat.postMessage').filter((c) => c.args.thread_ts === threadTs);
  for (const post of posts.reverse()) {
    const blocks = (post.args.blocks ?? []) as Block[];
    const block = blocks.find((b) => b.elements?.some((e) => e.value === value));
    if (block && post.answer?.ts)
      return { ts: String(post.answer.ts), blocks, blockId: block.block_id ?? 'b' };
  }
  return undefined;
}
