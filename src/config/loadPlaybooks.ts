import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { CheckCatalog } from '../core/checks/catalog.js';
import { MedicError } from '../core/errors.js';
import { parsePlaybook } from '../core/playbooks/parsePlaybook.js';
import type { Playbook } from '../core/playbooks/playbook.js';
import { packageRoot } from './packageRoot.js';

/** The built-in playbooks/ folder of the package. */
export const builtinPlaybookDir = join(packageRoot(import.meta.url), 'playbooks');

/** Load every *.yaml playbook of the folders; later folders override earlier ids. */
export function loadPlaybooks(dirs: string[], catalog: CheckCatalog): Map<string, Playbook> {
  const out = new Map<string, Playbook>();
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();
    } catch (err) {
      throw new MedicError('playbook.dir', `cannot read playbook folder ${dir}`, { cause: err });
    }
    for (const file of files) {
      const path = join(dir, file);
      let raw: unknown;
      try {
        raw = parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new MedicError('playbook.invalid', `${file} is not valid YAML: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const pb = parsePlaybook(raw, file, catalog);
      out.set(pb.id, pb);
    }
  }
  return out;
}
