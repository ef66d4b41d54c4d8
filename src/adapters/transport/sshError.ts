import { MedicError } from '../../core/errors.js';

interface Where {
  host: string;
  where: string;
  pinned: string | undefined;
  seen: string | undefined;
}

/** Map an ssh2 / socket error to a MedicError whose message is safe and useful in chat. */
export function sshError(err: Error & { level?: string; code?: string }, w: Where): MedicError {
  const opts = { cause: err };
  if (w.seen && w.seen !== w.pinned) {
    return new MedicError(
      'transport.hostkey',
      `refused ${w.host} (${w.where}): its host key ${w.seen} does not match the pinned ${w.pinned}`,
      opts,
    );
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      return new MedicError('transport.refused', `connection refused by ${w.where}`, opts);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new MedicError('transport.dns', `cannot resolve ${w.where}`, opts);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new MedicError('transport.unreachable', `no route to ${w.where}`, opts);
    case 'ETIMEDOUT':
      return new MedicError('transport.connect-timeout', `connection to ${w.where} timed out`, opts);
    case 'ECONNRESET':
      return new MedicError('transport.unreachable', `connection to ${w.where} was reset`, opts);
  }
  if (err.level === 'client-timeout') {
    return new MedicError('transport.connect-timeout', `SSH handshake with ${w.where} timed out`, opts);
  }
  if (err.level === 'client-authentication') {
    return new MedicError(
      'transport.auth',
      `SSH authentication to ${w.where} failed (key or user refused)`,
      opts,
    );
  }
  return new MedicError('transport.unreachable', `SSH connection to ${w.where} failed`, opts);
}
