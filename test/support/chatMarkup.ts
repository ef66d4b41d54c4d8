/**
 * Finds Slack markup in the string literals of a TypeScript source: the core says things as
 * neutral data and leaves markup to the renderers. Only string and template literal text is
 * read (never comments, JSDoc or regular expressions), so the rules can stay strict.
 */
import ts from 'typescript';

export interface MarkupHit {
  line: number;
  rule: string;
  text: string;
}

/** Markup in a literal's own text. */
const rules: Array<[string, RegExp]> = [
  // `:rotating_light:`, not `[[:space:]]`, `10:00:00` or `unix:/run/x.sock:`
  ['emoji shortcode', /(?<![\w[:]):[a-z][a-z0-9_+-]*:(?![\w\]])/],
  ['mention or channel link', /<[!@#]/],
  ['back-tick', /`/],
  // `*bold*` between spaces or punctuation, not a glob (`/etc/*/fpm/*.conf`) or a cron (`* * *`)
  ['*bold*', /(?:^|[\s(])\*[A-Za-z0-9][^*\n]*[A-Za-z0-9.]\*(?=$|[\s.,:;!?)])/],
  ['_italic_', /(?:^|[\s(])_[A-Za-z0-9][^_\n]*[A-Za-z0-9.]_(?=$|[\s.,:;!?)])/],
];

/** Bold around an interpolation: `*${` ending a literal part, `}*` starting the next. */
const boldBefore = /(?:^|[\s(])\*$/;
const boldAfter = /^\*(?=$|[\s.,:;!?)])/;

export function chatMarkupIn(source: string, fileName = 'source.ts'): MarkupHit[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const hits: MarkupHit[] = [];
  const seen = new Set<string>();
  const report = (node: ts.Node, rule: string) => {
    const key = `${node.getStart(sf)} ${rule}`;
    if (seen.has(key)) return;
    seen.add(key);
    hits.push({
      line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
      rule,
      text: node.getText(sf),
    });
  };
  const check = (node: ts.Node, parts: Array<{ text: string; before: boolean; after: boolean }>) => {
    for (const p of parts) {
      for (const [rule, re] of rules) if (re.test(p.text)) report(node, rule);
      if ((p.after && boldBefore.test(p.text)) || (p.before && boldAfter.test(p.text))) {
        report(node, 'bold around an interpolation');
      }
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      check(node, [{ text: node.text, before: false, after: false }]);
    } else if (ts.isTemplateExpression(node)) {
      const last = node.templateSpans.length - 1;
      check(node, [
        { text: node.head.text, before: false, after: true },
        ...node.templateSpans.map((s, i) => ({ text: s.literal.text, before: true, after: i < last })),
      ]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return hits;
}
