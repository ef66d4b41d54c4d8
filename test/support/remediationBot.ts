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
  /** A signed click on one of a report's buttons. */
  click(
    actionId: string,
    value: string,
    user: string,
    messageTs: string,
    responseId: string,
    /** The clicked message (its ts and blocks) and the button's block, as Slack sends them. */
    message?: { ts: string; blocks: unknown[]; blockId: string },
  ): Promise<number>;
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
    async click(actionId, value, user, messageTs, responseId, message) {
      return send(buttonClick(actionId, value, fake.responseUrl(responseId), messageTs, 'C1', user, message));
    },
    async stop() {
      await bot.stop();
      await medic.store?.close();
    },
  };
}
