import { isMedicError } from './errors.js';
import type { Logger } from './ports.js';

/**
 * Log what went wrong at the level it deserves. A MedicError is an expected condition with a
 * code (an unknown playbook or site, bad schedule words, a refused change): one info line with
 * the code and its message, no stack. Anything else is a real fault: error level, with the
 * error itself (its stack and causes) for whoever debugs it.
 */
export function logFailure(logger: Logger, err: unknown, fields: object, msg: string): void {
  if (isMedicError(err))
    logger.info({ ...fields, code: err.code, reason: err.userMessage.slice(0, 300) }, msg);
  else logger.error({ ...fields, err }, msg);
}
