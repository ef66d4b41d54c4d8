import { storeErrorLines } from './adapters/store/storeAdvice.js';
import { EXIT, type Out } from './cliExit.js';
import { ConfigError, formatProblem } from './config/loadConfig.js';
import { isMedicError } from './core/errors.js';
import { isStoreError } from './core/model/storeProblem.js';

/** Errors reach the terminal as code + safe message; a ConfigError lists every problem. */
export function reportError(e: unknown, err: Out = process.stderr): number {
  if (isStoreError(e)) {
    err.write(storeErrorLines(e.problem));
    return EXIT.fault;
  }
  if (e instanceof ConfigError) {
    err.write(`${e.file}: ${e.problems.length} problem(s)\n`);
    for (const p of e.problems) err.write(`  ${formatProblem(p)}\n`);
    return EXIT.usage;
  }
  if (isMedicError(e)) {
    err.write(`medic: ${e.userMessage} (${e.code})\n`);
    return e.code.startsWith('config.') || e.code.startsWith('playbook.') || e.code.startsWith('site.')
      ? EXIT.usage
      : EXIT.fault;
  }
  if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
    err.write(`medic: ${e.message}\n`);
    return EXIT.usage;
  }
  // No stack traces for users: set MEDIC_DEBUG=1 to see one.
  err.write(`medic: unexpected error (${(e as Error)?.message ?? String(e)})\n`);
  if (process.env.MEDIC_DEBUG) err.write(`${(e as Error)?.stack ?? ''}\n`);
  return EXIT.fault;
}
