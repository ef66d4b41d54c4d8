import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatMarkupIn } from '../support/chatMarkup.js';
import { findCycles, type ImportGraph, importGraph } from '../support/importGraph.js';

const root = new URL('../../src/', import.meta.url).pathname;
const coreRoot = join(root, 'core');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
    (m) => m[1] as string,
  );

/**
 * The core's layers, lowest first (paths relative to src/core). A file may import files of its
 * own layer or lower ones, never higher: model ← checks ← diagnosis ← engine ← remediation ←
 * scheduler ← conversation. The scheduler may use remediation, never the reverse.
 */
const layers: Array<{ name: string; holds: RegExp }> = [
  { name: 'model', holds: /^(model\/|command\.ts$|errors\.ts$|logFailure\.ts$|redact\.ts$|ports\.ts$)/ },
  { name: 'checks', holds: /^(checks|playbooks)\// },
  { name: 'diagnosis', holds: /^diagnosis\// },
  { name: 'engine', holds: /^engine\// },
  { name: 'remediation', holds: /^remediation\// },
  { name: 'scheduler', holds: /^scheduler\// },
  { name: 'conversation', holds: /^conversation\// },
];

const layerOf = (file: string) => layers.findIndex((l) => l.holds.test(file));

/** Every import from a lower layer to a higher one, as `from -> to (layer -> layer)`. */
function layerViolations(graph: ImportGraph): string[] {
  const bad: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const [a, b] = [layerOf(from), layerOf(to)];
      const edge = `${from} -> ${to}`;
      if (b > a) bad.push(`${edge} (${layers[a]?.name} -> ${layers[b]?.name})`);
    }
  }
  return bad;
}

describe('architecture', () => {
  const core = files(coreRoot);
  const graph = importGraph(coreRoot, core);

  it('finds the core files', () => {
    expect(core.length).toBeGreaterThan(20);
  });

  it('src/core imports nothing from adapters, config, entry points or adapter libraries', () => {
    const allowed = (spec: string) => spec === 'zod' || spec.startsWith('node:') || spec.startsWith('.');
    const offenders: string[] = [];
    for (const file of core) {
      for (const spec of importsOf(file)) {
        const bad = !allowed(spec) || /adapters\/|\/config\/|composition|\/main|\/cli/.test(spec);
        if (bad) offenders.push(`${file.slice(root.length)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('keeps every source file under 300 lines', () => {
    const big = files(root)
      .map((f) => ({ f: f.slice(root.length), n: readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.n > 300);
    expect(big).toEqual([]);
  });

  it('every file of src/core belongs to a layer, and every relative import is a core file', () => {
    expect([...graph.keys()].filter((f) => layerOf(f) < 0)).toEqual([]);
    const dangling = [...graph].flatMap(([from, to]) =>
      to.filter((t) => !graph.has(t)).map((t) => `${from} -> ${t}`),
    );
    expect(dangling).toEqual([]);
  });

  it('the core’s layers point one way: a file imports only its own layer or lower ones', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('the layering rule catches every import upward', () => {
    const sample: ImportGraph = new Map([
      ['model/reply.ts', ['conversation/x.ts', 'model/report.ts', 'ports.ts']],
      ['remediation/a.ts', ['scheduler/b.ts', 'engine/diagnoser.ts']],
      ['scheduler/b.ts', ['remediation/a.ts']],
      ['diagnosis/actions.ts', ['remediation/actionCatalog.ts', 'remediation/other.ts']],
      ['diagnosis/diagnose.ts', ['remediation/siteRollbacks.ts']],
    ]);
    expect(layerViolations(sample)).toEqual([
      'model/reply.ts -> conversation/x.ts (model -> conversation)',
      'remediation/a.ts -> scheduler/b.ts (remediation -> scheduler)',
      'diagnosis/actions.ts -> remediation/actionCatalog.ts (diagnosis -> remediation)',
      'diagnosis/actions.ts -> remediation/other.ts (diagnosis -> remediation)',
      'diagnosis/diagnose.ts -> remediation/siteRollbacks.ts (diagnosis -> remediation)',
    ]);
  });

  it('no import cycles between the files of src/core', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it('the cycle search reports each cycle with its files in order', () => {
    const sample: ImportGraph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'a.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts']],
    ]);
    expect(findCycles(sample)).toEqual([
      'a.ts -> b.ts -> c.ts -> a.ts',
      'a.ts -> b.ts -> a.ts',
      'd.ts -> d.ts',
    ]);
  });

  it('no string literal in src/core carries Slack markup: renderers format neutral data', () => {
    const hits = core.flatMap((file) =>
      chatMarkupIn(readFileSync(file, 'utf8'), file).map(
        (h) => `${file.slice(root.length)}:${h.line} ${h.rule}: ${h.text}`,
      ),
    );
    expect(hits).toEqual([]);
  });

  it('the markup search finds markup in literals, and none in comments, regexes, globs or crons', () => {
    const found = (source: string) => chatMarkupIn(source).map((h) => h.rule);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source text to search
    expect(found('const t = `:rotating_light: *${s.site}* is down (schedule \\`${s.id}\\`)`;')).toEqual([
      'emoji shortcode',
      'bold around an interpolation',
      'back-tick',
    ]);
    expect(found("say('<!channel> look', \"hi <@U123>\", '*shop* is _down_');")).toEqual([
      'mention or channel link',
      'mention or channel link',
      '*bold*',
      '_italic_',
    ]);
    const clean = [
      '/** Posts `:warning:` and *bold* text to <@U1>, _see_ the renderer. */',
      '// `code` in a comment: *fine* :x:',
      'const mention = /<@[A-Z0-9]+(?:\\|[^>]*)?>/g;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source text to search
      "const grep = `grep -Hs '^[[:space:]]*listen' ${glob}`;",
      "const pools = '/etc/php/*/fpm/pool.d/*.conf';",
      'const usage = \'usage: schedule add "*/5 * * * *" <playbook> <site>\';',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source text to search
      "const at = '2026-01-15 03:00:00'; const sock = `unix:${path}:`; const g = `${dir}/*`;",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source text to search
      "const why = 'no *_pass directive'; const key = `${a}_${b}`;",
    ];
    expect(clean.flatMap(found)).toEqual([]);
  });
});
