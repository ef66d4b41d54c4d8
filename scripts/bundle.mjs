// The bundled `medic` bin: src/cli.ts and what it imports in a few files (dist/bundle/), so a
// command does not pay Node's module resolution for some 300 files at every start. Dynamic
// imports stay separate chunks, loaded only by the commands that need them. Native addons and
// the clients only some commands load (Slack, Docker) stay in node_modules. Source maps kept.
import { build } from 'esbuild';

const outdir = process.argv[2] ?? 'dist/bundle';
await build({
  entryPoints: ['src/cli.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['better-sqlite3', 'ssh2', 'dockerode', '@slack/*'],
  // Bundled CommonJS (ssh2, pino) calls require: give the ESM output one.
  banner: {
    js: "import { createRequire as __medicRequire } from 'node:module';\nconst require = __medicRequire(import.meta.url);",
  },
});
