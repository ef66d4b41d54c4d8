import type { ChainHop, ChainView } from '../../core/model/chainView.js';

/**
 * A request path as one line, for any renderer: hops joined by arrows, the broken hop marked ✗,
 * unknown hops marked ?, notes in parentheses. The renderer supplies the styling (and escaping)
 * of each piece; this file knows no markup.
 */
export interface ChainStyle {
  /** A label or a joining word, as plain text (Slack escapes it, the terminal cleans it). */
  plain(text: string): string;
  broken(text: string): string;
  unknown(text: string): string;
  note(text: string): string;
}

const maxLabel = 200;
const cut = (s: string, max = maxLabel) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

const isBroken = (c: ChainView) => c.hops.some((h) => h.state === 'broken');
const isUnknown = (c: ChainView) => c.hops.some((h) => h.state === 'unknown');

/** The order chains are worth reading in: on the probe's path and broken first, all-ok last. */
function rank(c: ChainView): number {
  return (c.onProbePath ? 0 : 4) + (isBroken(c) ? 0 : isUnknown(c) ? 1 : 2);
}

export interface PickedChains {
  shown: ChainView[];
  /** The chains left out, and how many of them are broken or partly unknown. */
  hidden: { total: number; broken: number; unknown: number };
}

/** At most `max` chains, the most telling first (stable within a rank); the rest counted. */
export function pickChains(chains: readonly ChainView[], max: number): PickedChains {
  const ordered = chains.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i);
  const shown = ordered.slice(0, max).map((x) => x.c);
  const rest = ordered.slice(max).map((x) => x.c);
  return {
    shown,
    hidden: {
      total: rest.length,
      broken: rest.filter(isBroken).length,
      unknown: rest.filter((c) => !isBroken(c) && isUnknown(c)).length,
    },
  };
}

/** "2 more paths (1 broken)", or undefined when none was left out. */
export function hiddenChainsText(h: PickedChains['hidden']): string | undefined {
  if (h.total === 0) return undefined;
  const parts = [h.broken ? `${h.broken} broken` : '', h.unknown ? `${h.unknown} partly unseen` : ''];
  const detail = parts.filter(Boolean).join(', ') || 'all ok';
  return `… ${h.total} more request path${h.total === 1 ? '' : 's'} (${detail})`;
}

function hopText(h: ChainHop, s: ChainStyle, causes: readonly string[]): string {
  const label = cut(h.label);
  const head =
    h.state === 'broken'
      ? s.broken(`✗ ${label}`)
      : h.state === 'unknown'
        ? s.unknown(`? ${label}`)
        : s.plain(label);
  if (!h.note) return head;
  // A note that is a listed cause's title is not said twice: the line points at the cause.
  const cause = causes.indexOf(h.note);
  return `${head} ${s.note(cause >= 0 ? `(cause ${cause + 1})` : `(${cut(h.note, 300)})`)}`;
}

/**
 * One chain as a line. The hops after a `missing` one are who should have listened there (the
 * candidates): they are named as expected, not drawn as hops the request reached. `causes` are
 * the titles of the causes listed with the chain, in their order.
 */
export function chainText(chain: ChainView, s: ChainStyle, causes: readonly string[] = []): string {
  const gap = chain.hops.findIndex((h) => h.kind === 'missing');
  const path = gap < 0 ? chain.hops : chain.hops.slice(0, gap + 1);
  const expected = gap < 0 ? [] : chain.hops.slice(gap + 1);
  const line = path.map((h) => hopText(h, s, causes)).join(s.plain(' → '));
  if (expected.length === 0) return line;
  return `${line}${s.plain(` · expected ${expected.map((h) => cut(h.label)).join(' or ')}`)}`;
}
