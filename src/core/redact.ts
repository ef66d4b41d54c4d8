const authorizationHeader = /\b(authorization\s*[:=]\s*)\S.*$/gim;
const secretAssignment =
  /\b((?:[A-Za-z0-9_]*?)(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_]*)(\s*[=:]\s*)(?!\[redacted\]|\*{3})("[^"]*"|'[^']*'|[^\s,;)\]}"']+)/gi;
const bearer = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const urlCredentials = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)(?!\[redacted\]@|\*{3}@)[^\s@/]+@/gi;
const slackToken = /\bxox[abprs]-[A-Za-z0-9-]{8,}|\bxapp-[A-Za-z0-9-]{8,}/g;

/** Blank out secrets in a log line before it is stored, shown in chat or logged. */
export function redactSecrets(line: string): string {
  return line
    .replace(authorizationHeader, '$1[redacted]')
    .replace(secretAssignment, '$1$2[redacted]')
    .replace(bearer, '$1 [redacted]')
    .replace(urlCredentials, '$1[redacted]@')
    .replace(slackToken, '[redacted]');
}
