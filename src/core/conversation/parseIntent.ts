/** What a chat message asks for. Chat text only ever selects a site and a playbook. */
export type Intent =
  | { type: 'diagnose'; query: string; playbook?: string }
  | { type: 'help' }
  | { type: 'playbooks' }
  | { type: 'sites' }
  | { type: 'status' }
  | { type: 'history'; query: string }
  | { type: 'audit'; query: string | undefined }
  | { type: 'unknown'; text: string };

const symptom =
  /\b(5\d\d|bad gateway|gateway time-?out|down|broken|not (?:working|loading|responding)|outage|error|failing|unreachable|timing out|slow)\b/i;
const urlOrDomain = /\bhttps?:\/\/\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)+\b/i;

/** Parse a chat line ("502 on shop.example.com", "diagnose shop", "help"). */
export function parseIntent(raw: string): Intent {
  const text = raw
    .replace(/<@[A-Z0-9]+>/g, ' ') // Slack mentions
    .replace(/<(https?:\/\/[^|>]+)(?:\|[^>]*)?>/g, '$1') // Slack link markup
    .trim()
    .replace(/\s+/g, ' ');
  const lower = text.toLowerCase();
  if (lower === '' || /^(help|\?|h)$/.test(lower)) return { type: 'help' };
  if (/^playbooks?$/.test(lower)) return { type: 'playbooks' };
  if (/^(sites|list)$/.test(lower)) return { type: 'sites' };
  if (lower === 'status') return { type: 'status' };
  const audit = /^audit(?:\s+(.+))?$/i.exec(text);
  if (audit) return { type: 'audit', query: audit[1] };
  const history = /^history\s+(.+)$/i.exec(text);
  if (history?.[1]) return { type: 'history', query: history[1] };
  const cmd = /^(?:diagnose|triage|check|run)\s+(.+)$/i.exec(text);
  if (cmd?.[1]) {
    const withPlaybook = /^(.+?)\s+(?:with|using)\s+([a-z0-9-]+)$/i.exec(cmd[1]);
    return withPlaybook?.[1] && withPlaybook[2]
      ? { type: 'diagnose', query: withPlaybook[1], playbook: withPlaybook[2].toLowerCase() }
      : { type: 'diagnose', query: cmd[1] };
  }
  if (symptom.test(text) || urlOrDomain.test(text)) return { type: 'diagnose', query: text };
  return { type: 'unknown', text };
}
