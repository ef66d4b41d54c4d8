/**
 * An error with a stable code and a message safe to show in chat. Details (stack, raw
 * library error) stay in `cause` and go to the log only.
 */
export class MedicError extends Error {
  readonly code: string;
  readonly userMessage: string;

  constructor(code: string, userMessage: string, options?: { cause?: unknown }) {
    super(`${code}: ${userMessage}`, options);
    this.name = 'MedicError';
    this.code = code;
    this.userMessage = userMessage;
  }
}

export function isMedicError(err: unknown): err is MedicError {
  return err instanceof MedicError;
}

/** Turn anything thrown into a code + safe message. Unknown errors get a generic message. */
export function toSafeError(err: unknown, fallbackCode = 'internal'): { code: string; message: string } {
  if (isMedicError(err)) return { code: err.code, message: err.userMessage };
  return { code: fallbackCode, message: 'unexpected internal error (details in the log)' };
}
