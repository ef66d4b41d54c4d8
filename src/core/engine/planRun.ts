import type { CheckCatalog } from '../checks/catalog.js';
import type { Check } from '../checks/check.js';
import { MedicError } from '../errors.js';
import type { SiteConfig } from '../model/inventory.js';
import type { Playbook } from '../playbooks/playbook.js';

/** Host label of checks that run from Medic itself (the gateway probe). */
export const MEDIC_HOST = 'medic';

/** One check to run on one host with its validated parameters. */
export interface CheckTask {
  check: Check<unknown>;
  host: string;
  params: unknown;
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => keys.includes(k)));
}

/** Expand a playbook for one site into tasks: per host, per service where the entry says `forEach`. */
export function planRun(playbook: Playbook, site: SiteConfig, catalog: CheckCatalog): CheckTask[] {
  const tasks: CheckTask[] = [];
  const gateway = site.gateway ?? site.hosts;
  for (const entry of playbook.checks) {
    const check = catalog.get(entry.check);
    if (!check) throw new MedicError('playbook.unknown-check', `unknown check ${entry.check}`);
    const keys = catalog.paramKeys(entry.check);
    const parse = (raw: Record<string, unknown>) => {
      const r = check.params.safeParse(raw);
      if (!r.success) {
        const why = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new MedicError('playbook.params', `check ${entry.check} has invalid parameters: ${why}`);
      }
      return r.data;
    };
    if (check.scope === 'site') {
      tasks.push({ check, host: MEDIC_HOST, params: parse(entry.params) });
      continue;
    }
    const hostsFor = (explicit?: string[]) => {
      const base = entry.on === 'gateway' ? gateway : site.hosts;
      return explicit ? base.filter((h) => explicit.includes(h)) : base;
    };
    if (entry.forEach) {
      for (const service of site.services.filter((s) => s.kind === entry.forEach)) {
        const params = parse({ ...pick(service, keys), ...entry.params });
        for (const host of hostsFor(service.hosts)) tasks.push({ check, host, params });
      }
      continue;
    }
    const params = parse(entry.params);
    for (const host of hostsFor()) tasks.push({ check, host, params });
  }
  return tasks;
}
