import pino from 'pino';
import type { Logger } from '../../core/ports.js';

/** Paths pino blanks out wherever they appear in a log object. */
export const redactPaths = [
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.password',
  '*.passphrase',
  '*.privateKey',
  '*.secret',
  'token',
  'password',
  'privateKey',
  'config.hosts.*.privateKey',
  'headers.authorization',
  '*.headers.authorization',
  'env',
  '*.env',
];

/** pino to stderr (stdout stays clean for --json), with secrets redacted. */
export function pinoLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    { level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { app: 'medic' } },
    destination as pino.DestinationStream,
  );
}
