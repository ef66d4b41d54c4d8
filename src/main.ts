#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { consoleChat } from './adapters/console/consoleChat.js';
import { createMedic } from './composition.js';

/** The example inventory a newcomer gets when there is no medic.yaml and no Slack tokens. */
export const exampleConfig = new URL('../examples/medic.yaml', import.meta.url).pathname;

/**
 * `medic serve` / `npm start`: the Slack bot when Slack tokens are set (next milestone),
 * otherwise the console chat, on the configured inventory or the example one.
 */
export async function runServe(flags: { config?: string | undefined }): Promise<void> {
  const file =
    flags.config ?? process.env.MEDIC_CONFIG ?? (existsSync('medic.yaml') ? 'medic.yaml' : exampleConfig);
  const medic = createMedic(file, { logLevel: process.env.MEDIC_LOG_LEVEL ?? 'warn' });
  if (process.env.SLACK_BOT_TOKEN) {
    medic.logger.warn(
      {},
      'Slack tokens are set but the Slack adapter is not part of this build yet; using the console',
    );
  }
  await consoleChat(medic.conversation, {
    input: process.stdin,
    output: process.stdout,
    color: Boolean(process.stdout.isTTY),
    banner: `Medic console — inventory ${file} (sites: ${Object.keys(medic.config.sites).join(', ')})`,
  });
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, ''));
if (isMain) {
  runServe({}).catch((err) => {
    process.stderr.write(`medic: ${err?.userMessage ?? err?.message ?? String(err)}\n`);
    process.exitCode = 2;
  });
}
