import type { BlindReason, BlindSpot } from '../../core/model/blindSpot.js';

/** Why Medic could not look, as a person reads it. */
export const reasonText: Record<BlindReason, string> = {
  timeout: 'timed out',
  permission: 'permission denied',
  'missing-tool': 'tool not installed',
  'missing-source': 'not found',
  'channel-refused': 'SSH channel refused',
  unreachable: 'host unreachable',
  unparseable: 'output not understood',
  'not-in-inventory': 'host not in the inventory',
  error: 'failed',
};

/** On the request's path first (they cap the verdict), then the rest, each group in report order. */
export function orderBlindSpots(spots: readonly BlindSpot[]): BlindSpot[] {
  return [...spots.filter((b) => b.onPath), ...spots.filter((b) => !b.onPath)];
}

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** "the nginx error log /var/log/nginx/error.log on web1 (timed out)", plain text. */
export function blindSpotHead(b: BlindSpot): string {
  return `${cut(b.what, 200)} on ${cut(b.host, 100)} (${reasonText[b.reason] ?? b.reason})`;
}

/** The tool's or Medic's own words, when they add to the head (not a mere restatement). */
export function blindSpotDetail(b: BlindSpot): string | undefined {
  // "nginx-errors on web1 could not run: timed out (now, tail)": the head names check and host.
  const prefix = `${b.check} on ${b.host}`;
  const said = b.message.trim();
  const m = said.startsWith(`${prefix}: `)
    ? said.slice(prefix.length + 2)
    : said.startsWith(`${prefix} could not run: `)
      ? said.slice(prefix.length + 16)
      : said;
  if (!m || m === b.what || m === reasonText[b.reason]) return undefined;
  return cut(m.replace(/\s+/g, ' '), 200);
}

/** "1 more not on the request's path" and the like, for a list cut short. */
export function hiddenBlindText(hidden: readonly BlindSpot[]): string | undefined {
  if (hidden.length === 0) return undefined;
  const onPath = hidden.filter((b) => b.onPath).length;
  return `… ${hidden.length} more${onPath ? ` (${onPath} on the request's path)` : ''}`;
}
