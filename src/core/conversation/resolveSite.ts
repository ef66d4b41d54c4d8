import type { Inventory } from '../model/inventory.js';

export type SiteMatch =
  | { type: 'site'; site: string }
  | { type: 'ambiguous'; sites: string[] }
  | { type: 'unknown'; query: string; suggestions: string[] };

function names(inv: Inventory): Array<{ site: string; name: string }> {
  return Object.entries(inv.sites).flatMap(([site, s]) => {
    const host = new URL(s.url).hostname;
    return [site, host, ...s.aliases].map((n) => ({ site, name: n.toLowerCase() }));
  });
}

/** Words of the text that could name a site: URL hosts, domains, plain words. */
function tokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[\s,;!?()"'<>]+/)) {
    if (!raw) continue;
    let t = raw.replace(/[.:]+$/, '');
    try {
      if (/^https?:\/\//.test(t)) t = new URL(t).hostname;
    } catch {
      // not a URL after all
    }
    out.push(t.replace(/\/.*$/, ''));
  }
  return out;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0] as number;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j] as number;
      d[j] = Math.min((d[j] as number) + 1, (d[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length] as number;
}

/** Resolve free text to one site by name, alias or URL host; never guesses between several. */
export function resolveSite(text: string, inv: Inventory): SiteMatch {
  const all = names(inv);
  const toks = tokens(text);
  const hits = new Set(all.filter((n) => toks.includes(n.name)).map((n) => n.site));
  if (hits.size === 1) return { type: 'site', site: [...hits][0] as string };
  if (hits.size > 1) return { type: 'ambiguous', sites: [...hits].sort() };
  // Nothing exact: "www.shop.example.com/cart" style subdomains, then close spellings.
  const partial = new Set(all.filter((n) => toks.some((t) => t.endsWith(`.${n.name}`))).map((n) => n.site));
  if (partial.size === 1) return { type: 'site', site: [...partial][0] as string };
  if (partial.size > 1) return { type: 'ambiguous', sites: [...partial].sort() };
  const scored = all
    .map((n) => ({ site: n.site, d: Math.min(...toks.map((t) => distance(t, n.name)), 99) }))
    .filter((s) => s.d <= 2)
    .sort((a, b) => a.d - b.d);
  return { type: 'unknown', query: text, suggestions: [...new Set(scored.map((s) => s.site))].slice(0, 5) };
}
