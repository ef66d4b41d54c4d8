import type { CheckCatalog } from '../checks/catalog.js';
import { MedicError } from '../errors.js';
import { type Playbook, playbookSchema } from './playbook.js';

/**
 * Validate a playbook (already parsed from YAML) against the schema and the check catalog:
 * unknown checks and parameters that the check's own strict schema rejects are errors.
 */
export function parsePlaybook(raw: unknown, source: string, catalog: CheckCatalog): Playbook {
  const parsed = playbookSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MedicError('playbook.invalid', `playbook ${source} is invalid: ${issues.join('; ')}`);
  }
  const problems: string[] = [];
  parsed.data.checks.forEach((entry, i) => {
    const check = catalog.get(entry.check);
    if (!check) {
      problems.push(`checks.${i}.check: unknown check "${entry.check}" (known: ${catalog.ids().join(', ')})`);
      return;
    }
    // Parameters from the playbook alone must be known to the check (service fields come later).
    const shape = catalog.paramKeys(entry.check);
    for (const key of Object.keys(entry.params)) {
      if (!shape.includes(key)) problems.push(`checks.${i}.params.${key}: not a parameter of ${entry.check}`);
    }
  });
  if (problems.length > 0) {
    throw new MedicError('playbook.invalid', `playbook ${source} is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}
