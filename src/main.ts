#!/usr/bin/env node
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleChat } from './adapters/console/consoleChat.js';
import { consolePoster } from './adapters/console/consolePoster.js';
import { storeErrorLines } from './adapters/store/storeAdvice.js';
import { createMedic, type Medic } from './composition.js';
import { packageRoot } from './config/packageRoot.js';
import { isStoreError } from './core/model/storeProblem.js';
import { systemClock } from './core/ports.js';
import { drainAndStop, type ShutdownParts, watchSignals } from './shutdown.js';

/** The example inventory a newcomer gets when there is no medic.yaml and no Slack tokens. */
export const exampleConfig = join(packageRoot(import.meta.url), 'examples', 'medic.yaml');

/**
 * `medic serve` / `npm start`: the Slack bot when SLACK_BOT_TOKEN is set (Socket Mode, or the
 * HTTP receiver with --http), otherwise the console chat, on the configured or example inventory.
 * SIGTERM or SIGINT drains it (see `drainAndStop`) and exits 0; a second one interrupts at once.
 */
export async function runServe(flags: { config?: string | undefined; http?: boolean }): Promise<void> {
  const file =
    flags.config ?? process.env.MEDIC_CONFIG ?? (existsSync('medic.yaml') ? 'medic.yaml' : exampleConfig);
  const slack = Boolean(process.env.SLACK_BOT_TOKEN);
  const medic = createMedic(file, {
    logLevel: process.env.MEDIC_LOG_LEVEL ?? (slack ? 'info' : 'warn'),
    verifyStore: true,
  });
  const signals = watchSignals(medic.logger);
  const drainMs = medic.config.shutdown.drainSeconds * 1000;
  if (slack) {
    // Slack's SDK loads only here: the console and every other command never pay for it.
    const { createSlackBot, slackSettings } = await import('./adapters/slack/slackBot.js');
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
    await signals.first;
    // No new clicks or messages; what runs finishes (or is interrupted) before the store closes.
    await stop(medic, [() => bot.stop()], drainMs, signals.second);
    process.exit(0);
  }
  if (medic.scheduler && medic.scheduled) {
    medic.scheduled.attach(medic.scheduler, consolePoster(process.stdout), 'console');
    await medic.scheduler.start(medic.configuredSchedules);
  }
  const input = new AbortController();
  const chat = consoleChat(medic.conversation, {
    input: process.stdin,
    output: process.stdout,
    color: Boolean(process.stdout.isTTY),
    banner: `Medic console — inventory ${file} (sites: ${Object.keys(medic.config.sites).join(', ')})`,
    signal: input.signal,
  });
  const signalled = await Promise.race([chat.then(() => false), signals.first.then(() => true)]);
  input.abort();
  await stop(medic, [], drainMs, signals.second);
  if (signalled) process.exit(0);
}

/** Drain and stop; a failure on the way (the store not closing) is logged, the stop goes on. */
async function stop(medic: Medic, intake: Array<() => unknown>, drainMs: number, force: Promise<void>) {
  try {
    await drainAndStop(shutdownParts(medic, intake), { drainMs, force });
  } catch (err) {
    medic.logger.error({ err }, 'shutdown did not complete cleanly');
  }
}

/** What shutdown stops, waits for, interrupts and closes, for any mode. */
function shutdownParts(medic: Medic, intake: Array<() => unknown>): ShutdownParts {
  const remediator = medic.remediator;
  return {
    logger: medic.logger,
    stopIntake: [() => medic.conversation.stopTaking(), ...intake, () => medic.scheduler?.stop()],
    work: {
      conversations: {
        size: () => medic.conversation.inFlight.size,
        drain: (ms) => medic.conversation.inFlight.drain(ms),
      },
      diagnoses: {
        size: () => medic.diagnoser.running.size,
        drain: (ms) => medic.diagnoser.running.drain(ms),
      },
      // Approved runs and self-healing (also when a schedule started it).
      remediations: {
        size: () => remediator?.inFlight.size ?? 0,
        drain: (ms) => remediator?.drain(ms) ?? Promise.resolve(true),
      },
    },
    interrupt: async () => (await medic.diagnoser.interrupt()).length,
    endRemote: () => medic.transports.stop(),
    close: async () => {
      await medic.store?.close();
    },
  };
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
