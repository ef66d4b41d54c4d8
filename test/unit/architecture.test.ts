import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../src/', import.meta.url).pathname;

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

describe('architecture', () => {
  const core = files(join(root, 'core'));

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
});
