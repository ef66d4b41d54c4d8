import { blindSpotDetail, blindSpotHead, hiddenBlindText, orderBlindSpots } from '../render/blindSpotText.js';
import { type ChainStyle, chainText, hiddenChainsText, pickChains } from '../render/chainText.js';
import type { ReportParts } from '../render/verdictText.js';
import { type Block, bulletSection, escapeMrkdwn as esc } from './blockLimits.js';

/** Chains shown in a Slack report; the rest are counted (the attached file has them all). */
export const SLACK_CHAINS = 3;
/** Blind spots listed in a Slack report; the rest are counted. */
export const SLACK_BLIND = 5;

/** Every label and note from the report is escaped: they come from remote configs and hosts. */
const chainStyle: ChainStyle = {
  plain: esc,
  broken: (s) => `*${esc(s)}*`,
  unknown: (s) => `_${esc(s)}_`,
  note: esc,
};

export interface Section {
  block: Block;
  /** Something was left out: the full report goes in the thread as a file. */
  clipped: boolean;
}

/** "Request path": one line per chain, the most telling first, at most three. `causes`: titles shown. */
export function pathBlock(parts: ReportParts, causes: readonly string[]): Section | undefined {
  if (parts.chains.length === 0) return undefined;
  const picked = pickChains(parts.chains, SLACK_CHAINS);
  const title = parts.chains.length === 1 ? '*Request path*' : '*Request paths*';
  const s = bulletSection(
    title,
    picked.shown.map((c) => `• ${chainText(c, chainStyle, causes)}`),
    hiddenChainsText(picked.hidden),
  );
  return { block: s.block, clipped: s.clipped || picked.hidden.total > 0 };
}

/** "Could not see": on-path blind spots first, each with its reason and the tool's own words. */
export function blindBlock(parts: ReportParts): Section | undefined {
  if (parts.blindSpots.length === 0) return undefined;
  const ordered = orderBlindSpots(parts.blindSpots);
  const lines = ordered.slice(0, SLACK_BLIND).map((b) => {
    const detail = blindSpotDetail(b);
    const mark = b.onPath ? ':warning:' : '•';
    const off = b.onPath ? '' : " _(not on the request's path)_";
    return `${mark} ${esc(blindSpotHead(b))}${detail ? `: ${esc(detail)}` : ''}${off}`;
  });
  const hidden = ordered.slice(SLACK_BLIND);
  const s = bulletSection('*Could not see*', lines, hiddenBlindText(hidden));
  return { block: s.block, clipped: s.clipped || hidden.length > 0 };
}
