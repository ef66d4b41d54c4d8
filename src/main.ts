#!/usr/bin/env node
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { consoleChat } from './adapters/console/consoleChat.js';
import { consolePoster } from './adapters/console/consolePoster.js';
import { createSlackBot, slackSettings } from './adapters/slack/slackBot.js';
import { storeErrorLines } from './adapters/store/storeAdvice.js';
import { createMedic } from './composition.js';
import { isStoreError } from './core/model/storeProblem.js';
import { systemClock } from './core/ports.js';

/** The example inventory a newcomer gets when there is no medic.yaml and no Slack tokens. */
export const exampleConfig = new URL('../examples/medic.yaml', import.meta.url).pathname;

/**
 * `medic serve` / `npm start`: the Slack bot when SLACK_BOT_TOKEN is set (Socket Mode, or the
 * HTTP receiver with --http), otherwise the console chat, on the configured or example inventory.
 */
export async function runServe(flags: { config?: string | undefined; http?: boolean }): Promise<void> {
  const file =
    flags.config ?? process.env.MEDIC_CONFIG ?? (existsSync('medic.yaml') ? 'medic.yaml' : exampleConfig);
  const slack = Boolean(process.env.SLACK_BOT_TOKEN);
  const medic = createMedic(file, { logLevel: process.env.MEDIC_LOG_LEVEL ?? (slack ? 'info' : 'warn') });
  if (slack) {
    const settings = slackSettings(process.env, medic.config.slack, Boolean(flags.http));
    const bot = createSlackBot(
      settings,
      medic.conversation,
      medic.logger,
      medic.remediator && {
        remediator: medic.remediator,
        groups: [...new Set(medic.config.remediation.approvers.flatMap((a) => a.groups))],
        clock: systemClock,
      },
    );
    await bot.start();
    medic.logger.info({ mode: settings.mode, port: bot.httpPort() }, 'Medic is connected to Slack');
    if (medic.scheduler && medic.scheduled) {
      medic.scheduled.attach(medic.scheduler, bot.poster);
      await medic.scheduler.start(medic.configuredSchedules);
    }
    const shutdown = async (signal: string) => {
      medic.logger.info({ signal }, 'stopping');
      await medic.scheduler?.stop().catch(() => undefined);
      // No new clicks or messages, then let what is running finish before the store closes.
      await bot.stop().catch(() => undefined);
      await drain(medic);
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
    return;
  }
  if (medic.scheduler && medic.scheduled) {
    medic.scheduled.attach(medic.scheduler, consolePoster(process.stdout), 'console');
    await medic.scheduler.start(medic.configuredSchedules);
  }
  await consoleChat(medic.conversation, {
    input: process.stdin,
    output: process.stdout,
    color: Boolean(process.stdout.isTTY),
    banner: `Medic console — inventory ${file} (sites: ${Object.keys(medic.config.sites).join(', ')})`,
  });
  await medic.scheduler?.stop();
  await drain(medic);
}

/**
 * Wait for remediations and self-healing under way (their audit rows and state changes must
 * land), at most 60 s, then close the store. What did not finish is logged.
 */
async function drain(medic: ReturnType<typeof createMedic>): Promise<void> {
  const running = medic.remediator?.inFlight.size ?? 0;
  if (running) medic.logger.info({ running }, 'waiting for remediations under way');
  // Self-healing started by schedules is tracked by the remediator too.
  if (medic.remediator && !(await medic.remediator.drain(60_000))) {
    medic.logger.warn(
      { running: medic.remediator.inFlight.size },
      'stopping with remediations still running; their audit may be incomplete',
    );
  }
  await medic.store?.close();
}

// Run when executed, also through npm's bin symlink (node_modules/.bin/medic -> dist/cli.js).
const isMain =
  process.argv[1] !== undefined &&
  realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (isMain) {
  runServe({ http: process.argv.includes('--http') }).catch((err) => {
    if (isStoreError(err)) {
      process.stderr.write(storeErrorLines(err.problem));
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`medic: ${err?.userMessage ?? err?.message ?? String(err)}\n`);
    process.exitCode = 2;
  });
}
