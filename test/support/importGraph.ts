/**
 * The relative-import graph of a source tree, for architecture tests: which file imports which
 * (static imports, re-exports and dynamic imports; type-only ones count too), and its cycles.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** File → the files it imports, both relative to the root the graph was built from. */
export type ImportGraph = Map<string, string[]>;

/** Module specifiers of a TypeScript source, as the compiler reads them (comments ignored). */
export function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The graph of `files` (absolute paths under `root`), following relative specifiers only. */
export function importGraph(root: string, files: string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of [...files].sort()) {
    const targets = specifiersOf(readFileSync(file, 'utf8'))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(root, join(dirname(file), spec)).replace(/\.js$/, '.ts'));
    graph.set(relative(root, file), [...new Set(targets)].sort());
  }
  return graph;
}

/**
 * Every cycle a depth-first search meets (one per back edge), each as its files in import
 * order with the first one repeated at the end: `a.ts -> b.ts -> a.ts`.
 */
export function findCycles(graph: ImportGraph): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}
