import { stripControls } from '../console/safeText.js';

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

/**
 * Escape the three characters Slack's mrkdwn treats as control characters, after removing
 * terminal escape sequences and control characters (newlines stay, tabs become spaces).
 */
export function escapeMrkdwn(text: string): string {
  return stripControls(text, true).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
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

/**
 * A titled list of mrkdwn lines in one section. Each line gets an equal share of the section
 * (a longer one is clipped); lines that still do not fit are dropped from the end and counted.
 * The lines must be escaped already; `more` says what a cut-short list left out.
 */
export function bulletSection(
  title: string,
  lines: string[],
  more?: string,
): { block: Block; clipped: boolean } {
  const tail = (n: number) =>
    [more, n > 0 ? `… ${n} more did not fit` : undefined]
      .filter((t): t is string => Boolean(t))
      .map((t) => `\n_${t}_`)
      .join('');
  const share = Math.max(
    200,
    Math.floor((LIMITS.sectionText - title.length - 200) / Math.max(1, lines.length)),
  );
  const kept: string[] = [];
  let clipped = false;
  for (const [i, raw] of lines.entries()) {
    const line = clip(raw, share);
    const next = [title, ...kept, line].join('\n');
    if (next.length + tail(lines.length - i - 1).length > LIMITS.sectionText) break;
    clipped ||= line !== raw;
    kept.push(line);
  }
  const dropped = lines.length - kept.length;
  return { block: section([title, ...kept].join('\n') + tail(dropped)), clipped: clipped || dropped > 0 };
}

/** Text from anywhere (a person, the inventory, a remote host) made inert mrkdwn: clipped, then escaped. */
export const inert = (text: string, max = 200): string => escapeMrkdwn(clip(text, max));

/** A message whose fallback text fits Slack's limit. */
export const message = (text: string, blocks?: Block[]): SlackMessage => ({
  text: clip(text, LIMITS.fallbackText),
  ...(blocks ? { blocks } : {}),
});
