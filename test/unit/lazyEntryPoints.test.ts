/**
 * What each entry point loads before it does anything: `medic --help` only Node's own modules;
 * the inventory commands no Slack SDK, and the SSH, Docker and SQLite clients only on first use.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadedAtImport, packagesLoadedBy } from '../support/importGraph.js';

const src = (f: string) => fileURLToPath(new URL(`../../src/${f}`, import.meta.url));
const heavy = ['@slack/bolt', '@slack/web-api', 'dockerode', 'better-sqlite3', 'ssh2'];

describe('lazy entry points', () => {
  it('cli.ts loads only Node modules until a command runs', () => {
    expect([...packagesLoadedBy(src('cli.ts'))].filter((p) => !p.startsWith('node:'))).toEqual([]);
  });

  it('the inventory commands load no Slack, SSH, Docker or SQLite client at import', () => {
    const loaded = packagesLoadedBy(src('cliCommands.ts'));
    expect(heavy.filter((p) => loaded.has(p))).toEqual([]);
    // What they do need, so the test would notice the walk finding nothing.
    expect(loaded.has('zod') && loaded.has('yaml') && loaded.has('pino')).toBe(true);
  });

  it('serve loads the Slack SDK only when it connects to Slack', () => {
    expect(packagesLoadedBy(src('main.ts')).has('@slack/bolt')).toBe(false);
    expect(packagesLoadedBy(src('adapters/slack/slackBot.ts')).has('@slack/bolt')).toBe(true);
  });

  it('type-only imports and dynamic imports do not count as loaded', () => {
    const source = [
      "import type A from 'a';",
      "import { type B, type C } from 'b';",
      "import { type D, e } from 'd';",
      "import f from 'f';",
      "export { g } from 'g';",
      "export type { H } from 'h';",
      "const i = () => import('i');",
    ].join('\n');
    expect(loadedAtImport(source)).toEqual(['d', 'f', 'g']);
  });
});
