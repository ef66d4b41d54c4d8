/** Block Kit limits (api.slack.com/reference/block-kit). */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  contextElementText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  actionsElements: 25,
  headerText: 150,
  fallbackText: 4000,
} as const;

/** Cut text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Escape the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A code block of lines that fits one section: lines dropped from the end, with a count. */
export function codeBlock(
  lines: string[],
  max: number = LIMITS.sectionText,
  maxLines = Number.POSITIVE_INFINITY,
): { text: string; clipped: boolean } {
  const fence = (body: string) => `\`\`\`${body}\`\`\``;
  const kept: string[] = [];
  let clipped = lines.length > maxLines;
  for (const raw of lines.slice(0, maxLines)) {
    const line = escapeMrkdwn(clip(raw.replaceAll('```', "'''"), 400));
    if (line !== escapeMrkdwn(raw)) clipped = true;
    const next = [...kept, line].join('\n');
    if (fence(`${next}\n… more in the attached file`).length > max) {
      clipped = true;
      break;
    }
    kept.push(line);
  }
  const more = clipped ? '\n… more in the attached file' : '';
  return { text: fence(`${kept.join('\n')}${more}`), clipped };
}

export type Block = Record<string, unknown>;

/** A chat message: fallback text and, optionally, blocks. */
export interface SlackMessage {
  text: string;
  blocks?: Block[];
}

/** A mrkdwn section, clipped to Slack's limit. */
export const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) },
});
