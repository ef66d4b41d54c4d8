import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of Medic's own package.json, found upwards from a module's URL: the same from
 * `src/` (tsx), `dist/` (tsc) and `dist/bundle/` (the bundled bin), wherever a file sits.
 */
export function packageRoot(from: string): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'medic') return dir;
      } catch {
        // not a readable manifest: keep looking upwards
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json of medic above ${fileURLToPath(from)}`);
    dir = up;
  }
}
