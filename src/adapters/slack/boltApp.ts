import { App, type LogLevel } from '@slack/bolt';
import type { Logger } from '../../core/ports.js';
import { guardedReceiver } from './guardedReceiver.js';
import { guardPayloads } from './payloadGuard.js';

/** What the Bolt app needs of Medic's Slack settings. */
export interface BoltSettings {
  botToken: string;
  appToken?: string | undefined;
  signingSecret?: string | undefined;
  mode: 'socket' | 'http';
  port: number;
  apiUrl?: string | undefined;
  botId?: string | undefined;
  botUserId?: string | undefined;
}

/** Bolt's logger interface on top of Medic's; `onWarn` sees every warning Bolt emits. */
export const boltLogger = (logger: Logger, onWarn: (message: string) => void = () => {}) => ({
  debug: (...m: unknown[]) => logger.debug({ bolt: m.map(String).join(' ') }),
  info: (...m: unknown[]) => logger.info({ bolt: m.map(String).join(' ') }),
  warn: (...m: unknown[]) => {
    const text = m.map(String).join(' ');
    logger.warn({ bolt: text });
    onWarn(text);
  },
  error: (...m: unknown[]) => logger.error({ bolt: m.map(String).join(' ') }),
  setLevel: (_l: LogLevel) => {},
  getLevel: () => 'info' as LogLevel,
  setName: (_n: string) => {},
});

/**
 * The Bolt app in Socket Mode or behind the HTTP receiver, with payload shapes checked before
 * Bolt reads them: in HTTP mode by the receiver (400 for malformed bodies), in both modes in
 * front of `processEvent` (acknowledged and ignored).
 */
export function createBoltApp(
  settings: BoltSettings,
  logger: Logger,
  onWarn: (message: string) => void,
): App {
  const bolt = boltLogger(logger, onWarn);
  const app = new App({
    token: settings.botToken,
    logger: bolt,
    ...(settings.botId && settings.botUserId ? { botId: settings.botId, botUserId: settings.botUserId } : {}),
    clientOptions: {
      ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl.replace(/\/?$/, '/') } : {}),
      retryConfig: { retries: 3, factor: 1.5, minTimeout: 200, maxTimeout: 5000 },
    },
    ...(settings.mode === 'socket'
      ? { socketMode: true, appToken: settings.appToken }
      : {
          receiver: guardedReceiver({
            signingSecret: settings.signingSecret ?? '',
            port: settings.port,
            boltLogger: bolt,
            logger,
          }),
        }),
  });
  guardPayloads(app, logger);
  return app;
}
