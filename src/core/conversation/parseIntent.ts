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
      /** `remind=N`: minutes between reminders of an unchanged incident, 0 = never. */
      remindEveryMinutes?: number;
    }
  /** `problem`: what was wrong, when it is more than the shape (an unknown word, say). */
  | { type: 'schedule'; op: 'bad'; text: string; problem?: string }
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
 * `schedule add "<cron>" 502-triage shop [#channel] [tz=Europe/Berlin] [remind=60]`.
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
  if (!add?.[1] || !add[2] || !add[3]) return { type: 'schedule', op: 'bad', text };
  const options = addOptions((add[4] ?? '').trim().split(/\s+/).filter(Boolean));
  if (typeof options === 'string') return { type: 'schedule', op: 'bad', text, problem: options };
  return {
    type: 'schedule',
    op: 'add',
    cron: add[1].trim(),
    playbook: add[2].toLowerCase(),
    query: add[3],
    ...options,
  };
}

/** The words after the site: each known at most once; anything else is refused (a message saying which). */
function addOptions(
  words: string[],
): { channel?: string; timezone?: string; remindEveryMinutes?: number } | string {
  const out: { channel?: string; timezone?: string; remindEveryMinutes?: number } = {};
  for (const w of words) {
    const channel = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$|^#?([CG][A-Z0-9]+)$/.exec(w);
    const tz = /^tz=(.+)$/i.exec(w);
    const remind = /^remind=(\d{1,6})$/i.exec(w);
    if (channel && out.channel === undefined) out.channel = (channel[1] ?? channel[2]) as string;
    else if (tz?.[1] && out.timezone === undefined) out.timezone = tz[1];
    else if (remind?.[1] && out.remindEveryMinutes === undefined) out.remindEveryMinutes = Number(remind[1]);
    else return `"${w}" is not a channel, tz=<zone> or remind=<minutes> (or it is given twice)`;
  }
  return out;
}
