import type { Report } from '../../core/model/report.js';
import { blindSpotDetail, blindSpotHead, hiddenBlindText, orderBlindSpots } from '../render/blindSpotText.js';
import { chainText, hiddenChainsText, pickChains } from '../render/chainText.js';
import type { ReportParts } from '../render/verdictText.js';

export interface TextStyle {
  color: boolean;
}

const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1, cyan: 36 } as const;
export type Paint = (c: keyof typeof codes, s: string) => string;
export const painter =
  (style: TextStyle): Paint =>
  (c, s) =>
    style.color ? `\u001b[${codes[c]}m${s}\u001b[0m` : s;

/** Chains shown in the terminal; the rest are counted. */
export const MAX_CHAINS = 5;
/** Causes listed in the terminal; the rest are counted. */
export const MAX_CAUSES = 5;
/** Blind spots listed in the terminal; the rest are counted. */
export const MAX_BLIND = 8;

/** "Request path": one line per chain, the broken hop in red, unknown hops in yellow. */
export function pathSection(parts: ReportParts, p: Paint): string[] {
  if (parts.chains.length === 0) return [];
  const picked = pickChains(parts.chains, MAX_CHAINS);
  const style = {
    plain: (s: string) => s,
    broken: (s: string) => p('red', p('bold', s)),
    unknown: (s: string) => p('yellow', s),
    note: (s: string) => p('dim', s),
  };
  const title = parts.chains.length === 1 ? 'Request path' : 'Request paths';
  const titles = parts.causes.slice(0, MAX_CAUSES).map((c) => c.title);
  const more = hiddenChainsText(picked.hidden);
  return [
    '',
    p('bold', title),
    ...picked.shown.map((c) => `  ${chainText(c, style, titles)}`),
    ...(more ? [p('dim', `  ${more}`)] : []),
  ];
}

/** "Could not see": on-path blind spots first (marked !), each with its reason and the tool's words. */
export function blindSection(parts: ReportParts, p: Paint): string[] {
  if (parts.blindSpots.length === 0) return [];
  const ordered = orderBlindSpots(parts.blindSpots);
  const lines = ordered.slice(0, MAX_BLIND).map((b) => {
    const detail = blindSpotDetail(b);
    const off = b.onPath ? '' : p('dim', " (not on the request's path)");
    const mark = b.onPath ? p('yellow', '!') : p('dim', '-');
    return `  ${mark} ${blindSpotHead(b)}${detail ? p('dim', `: ${detail}`) : ''}${off}`;
  });
  const more = hiddenBlindText(ordered.slice(MAX_BLIND));
  return ['', p('bold', 'Could not see'), ...lines, ...(more ? [p('dim', `  ${more}`)] : [])];
}

/** The ranked causes; a healthy report's leftovers are only "also noticed", never probable causes. */
export function causesSection(
  report: Report,
  parts: ReportParts,
  p: Paint,
  color: 'red' | 'yellow' | 'green',
): string[] {
  if (parts.causes.length === 0) return [];
  const title = report.status === 'healthy' ? 'Also noticed' : 'Probable causes';
  const out = ['', p('bold', title)];
  parts.causes.slice(0, MAX_CAUSES).forEach((c, i) => {
    out.push(`  ${i + 1}. ${p(color, c.id)}  ${Math.round(c.confidence * 100)}%  ${c.title}`);
    for (const line of c.evidence.slice(0, 6)) out.push(p('dim', `       ${line}`));
  });
  const more = parts.causes.length - MAX_CAUSES;
  if (more > 0) out.push(p('dim', `  … ${more} more`));
  return out;
}
