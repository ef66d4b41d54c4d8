import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS dependency loaded on first use, so a command that never needs it never pays for
 * its import: `medic validate` loads no SSH client, a site without containers no Docker client,
 * a run without a store no SQLite.
 */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(id) as T;
    return loaded;
  };
}
