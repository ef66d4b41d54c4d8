/**
 * Text from chat users and remote hosts, made safe to print on a terminal: escape sequences
 * (CSI `ESC [ … m`, OSC `ESC ] 0;title BEL` with its payload, and their C1 forms), other C0 and C1 control
 * characters, and the Unicode controls that reorder or split lines are removed. Tabs become
 * spaces; newlines are kept only where a field is meant to span lines. Pure.
 */

const oscOrString =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const csi = /(?:\u001b\[|\u009b)[\x20-\x3f]*[\x40-\x7e]?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const escPair = /\u001b[\x20-\x7e]?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Control characters and escape sequences removed; newlines kept when `multiline`. */
export function stripControls(text: string, multiline = false): string {
  const bare = text
    .replace(oscOrString, '')
    .replace(csi, '')
    .replace(escPair, '')
    .replaceAll('\t', ' ')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(controls, '');
  return multiline ? bare : bare.replaceAll('\n', ' ');
}

/** Cut to `max` characters, marking the cut with an ellipsis. */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The longest a single string of a reply is printed: remote lines are long, 1 MB is not. */
export const MAX_FIELD = 2000;
/** The longest an echo of what someone typed is printed. */
export const MAX_ECHO = 200;

/** What a person typed, echoed back: one line, cleaned, at most 200 characters. */
export const echo = (text: string): string => cleanClip(text, MAX_ECHO);

/**
 * `text` cleaned and clipped to `max`. Only a prefix a few times `max` long is cleaned: what lies
 * beyond could not be shown anyway, and 1 MB strings stay cheap.
 */
export function cleanClip(text: string, max: number, multiline = false): string {
  const window = max * 4 + 64;
  if (text.length <= window) return clipText(stripControls(text, multiline), max);
  const clean = stripControls(text.slice(0, window), multiline);
  return clean.length >= max ? clipText(clean, max) : `${clean}…`;
}

/**
 * A copy of `value` with every string in it (keys included) cleaned and clipped to `max`, so no
 * field of a reply reaches the terminal unclean. Newlines become spaces unless `multiline` (for
 * replies with a multi-line field, such as a step's output).
 */
export function scrubStrings<T>(value: T, max = MAX_FIELD, multiline = false): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return cleanClip(v, max, multiline);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [walk(k) as string, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
