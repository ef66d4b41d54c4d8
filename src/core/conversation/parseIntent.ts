/** What a chat message asks for. Chat text only ever selects a site and a playbook. */
export type Intent =
  | { type: 'diagnose'; query: string; playbook?: string }
  | { type: 'help' }
  | { type: 'playbooks' }
  | { type: 'sites' }
  | { type: 'status' }
  | { type: 'history'; query: string }
  | { type: 'audit'; query: string | undefined }
  | { type: 'schedule'; op: 'list' }
  | { type: 'schedule'; op: 'pause' | 'resume' | 'remove' | 'run'; id: string }
  | {
      type: 'schedule';
      op: 'add';
      cron: string;
      playbook: string;
      query: string;
      channel?: string;
      timezone?: string;
    }
  | { type: 'schedule'; op: 'bad'; text: string }
  | { type: 'unknown'; text: string };

const symptom =
  /\b(5\d\d|bad gateway|gateway time-?out|down|broken|not (?:working|loading|responding)|outage|error|failing|unreachable|timing out|slow)\b/i;
const urlOrDomain = /\bhttps?:\/\/\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)+\b/i;

/** Parse a chat line ("502 on shop.example.com", "diagnose shop", "help"). */
export function parseIntent(raw: string): Intent {
  const text = raw
    .replace(/<@[A-Z0-9]+(?:\|[^>]*)?>/g, ' ') // Slack mentions (escaped ones carry |name)
    .replace(/<(https?:\/\/[^|>]+)(?:\|[^>]*)?>/g, '$1') // Slack link markup
    .trim()
    .replace(/\s+/g, ' ');
  const lower = text.toLowerCase();
  if (lower === '' || /^(help|\?|h)$/.test(lower)) return { type: 'help' };
  if (/^playbooks?$/.test(lower)) return { type: 'playbooks' };
  if (/^(sites|list)$/.test(lower)) return { type: 'sites' };
  if (lower === 'status') return { type: 'status' };
  if (/^schedules?\b/i.test(text)) return parseSchedule(text);
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

/**
 * `schedule list`, `schedule pause|resume|remove|run <id>`,
 * `schedule add "<cron>" 502-triage shop [#channel] [tz=Europe/Berlin]`.
 */
function parseSchedule(text: string): Intent {
  const t = text.replace(/[“”]/g, '"').replace(/^schedules?\s*/i, '');
  if (t === '' || /^(list|ls)$/i.test(t)) return { type: 'schedule', op: 'list' };
  const one = /^(pause|resume|remove|delete|run)\s+([A-Za-z0-9_.-]+)$/i.exec(t);
  if (one?.[1] && one[2]) {
    const op = one[1].toLowerCase();
    return { type: 'schedule', op: op === 'delete' ? 'remove' : (op as 'pause'), id: one[2] };
  }
  const add = /^add\s+"([^"]+)"\s+([a-z0-9-]+)\s+(\S+)((?:\s+\S+)*)$/i.exec(t);
  if (add?.[1] && add[2] && add[3]) {
    const extra = (add[4] ?? '').trim().split(/\s+/).filter(Boolean);
    const channel = extra
      .map((w) => /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$|^([CG][A-Z0-9]+)$/.exec(w))
      .find(Boolean);
    const tz = extra.find((w) => w.startsWith('tz='))?.slice(3);
    return {
      type: 'schedule',
      op: 'add',
      cron: add[1].trim(),
      playbook: add[2].toLowerCase(),
      query: add[3],
      ...(channel ? { channel: (channel[1] ?? channel[2]) as string } : {}),
      ...(tz ? { timezone: tz } : {}),
    };
  }
  return { type: 'schedule', op: 'bad', text };
}
