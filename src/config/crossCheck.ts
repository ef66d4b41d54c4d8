import { cronerValidateCron } from '../adapters/cron/cronerNextRun.js';
import { serviceKinds } from '../core/checks/serviceKinds.js';
import { toSafeError } from '../core/errors.js';
import { actionDefs, rollbackKinds } from '../core/remediation/actionCatalog.js';
import type { MedicConfig } from './configSchema.js';

export interface PathProblem {
  path: PropertyKey[];
  message: string;
}

/**
 * References between parts of the config: hosts named by sites, services' own fields. Runs on
 * the raw document too (when the schema failed), so it tolerates missing parts.
 *
 * Playbooks are loaded after the config (from its `playbookDirs`), so the config loader cannot
 * check the playbook a site or schedule names: pass the loaded ids as `playbooks` once they are
 * known (`createMedic` does, so `medic validate` and every start report them). At run time the scheduler checks every schedule when it takes them
 * over (`ScheduledDiagnoses.check`): one naming an unknown playbook is reported once and not run.
 */
export function crossCheck(config: MedicConfig, playbooks?: ReadonlySet<string>): PathProblem[] {
  const problems: PathProblem[] = [];
  const hostNames = Object.keys(config.hosts ?? {});
  const knownHost = (name: string, path: PropertyKey[]) => {
    if (!hostNames.includes(name)) {
      problems.push({ path, message: `unknown host "${name}" (hosts: ${hostNames.join(', ') || 'none'})` });
    }
  };
  const aliasOwner = new Map<string, string>();
  for (const [siteName, raw] of Object.entries(config.sites ?? {})) {
    const r = raw as Partial<MedicConfig['sites'][string]>;
    const site = {
      ...r,
      aliases: r.aliases ?? [],
      upstreams: r.upstreams ?? [],
      services: r.services ?? [],
      rollback: r.rollback ?? [],
    } as MedicConfig['sites'][string];
    if (!Array.isArray(site.hosts)) continue;
    const at = (...rest: PropertyKey[]) => ['sites', siteName, ...rest];
    site.hosts.forEach((h, i) => {
      knownHost(h, at('hosts', i));
    });
    site.gateway?.forEach((h, i) => {
      if (!site.hosts.includes(h))
        problems.push({ path: at('gateway', i), message: `"${h}" is not one of the site's hosts` });
    });
    site.upstreams.forEach((u, i) => {
      if (u.host && !site.hosts.includes(u.host)) {
        problems.push({
          path: at('upstreams', i, 'host'),
          message: `"${u.host}" is not one of the site's hosts`,
        });
      }
    });
    for (const alias of [siteName, ...site.aliases].map((a) => a.toLowerCase())) {
      const owner = aliasOwner.get(alias);
      if (owner && owner !== siteName) {
        problems.push({ path: at('aliases'), message: `"${alias}" also names site "${owner}"` });
      }
      aliasOwner.set(alias, siteName);
    }
    site.services.forEach((service, i) => {
      const schema = serviceKinds[service.kind as keyof typeof serviceKinds];
      if (!schema) {
        problems.push({
          path: at('services', i, 'kind'),
          message: `unknown service kind "${service.kind}" (kinds: ${Object.keys(serviceKinds).join(', ')})`,
        });
        return;
      }
      service.hosts?.forEach((h, j) => {
        if (!site.hosts.includes(h))
          problems.push({
            path: at('services', i, 'hosts', j),
            message: `"${h}" is not one of the site's hosts`,
          });
      });
      const { kind: _k, hosts: _h, ...fields } = service;
      const r = schema.safeParse(fields);
      if (!r.success) problems.push(...zodProblems(r.error.issues, at('services', i)));
    });
    site.rollback.forEach((rb, i) => {
      const def = (rollbackKinds as readonly string[]).includes(rb.kind)
        ? actionDefs.get(rb.kind)
        : undefined;
      if (!def) {
        problems.push({
          path: at('rollback', i, 'kind'),
          message: `unknown rollback kind "${rb.kind}" (kinds: ${rollbackKinds.join(', ')})`,
        });
        return;
      }
      rb.hosts?.forEach((h, j) => {
        if (!site.hosts.includes(h))
          problems.push({
            path: at('rollback', i, 'hosts', j),
            message: `"${h}" is not one of the site's hosts`,
          });
      });
      const { kind: _k, hosts: _h, ...fields } = rb;
      const r = def.params.safeParse(fields);
      if (!r.success) problems.push(...zodProblems(r.error.issues, at('rollback', i)));
    });
  }
  const siteNames = Object.keys(config.sites ?? {});
  const knownSites = (sites: string[] | undefined, path: PropertyKey[]) => {
    sites?.forEach((site, i) => {
      if (!siteNames.includes(site))
        problems.push({
          path: [...path, i],
          message: `unknown site "${site}" (sites: ${siteNames.join(', ')})`,
        });
    });
  };
  config.remediation?.approvers?.forEach((a, i) => {
    knownSites(a.sites, ['remediation', 'approvers', i, 'sites']);
  });
  config.remediation?.selfHealing?.forEach((r, i) => {
    knownSites(r.sites, ['remediation', 'selfHealing', i, 'sites']);
  });
  if (playbooks) {
    for (const [siteName, site] of Object.entries(config.sites ?? {})) {
      const id = (site as { playbook?: string }).playbook;
      if (id !== undefined && !playbooks.has(id))
        problems.push({
          path: ['sites', siteName, 'playbook'],
          message: `unknown playbook "${id}" (playbooks: ${[...playbooks].join(', ')})`,
        });
    }
  }
  config.schedules?.forEach((entry, i) => {
    if (!siteNames.includes(entry.site))
      problems.push({ path: ['schedules', i, 'site'], message: `unknown site "${entry.site}"` });
    try {
      cronerValidateCron(entry.cron, entry.timezone ?? 'UTC');
    } catch (err) {
      problems.push({ path: ['schedules', i, 'cron'], message: toSafeError(err).message });
    }
    if (playbooks && entry.playbook !== undefined && !playbooks.has(entry.playbook)) {
      problems.push({
        path: ['schedules', i, 'playbook'],
        message: `unknown playbook "${entry.playbook}" (playbooks: ${[...playbooks].join(', ')})`,
      });
    }
  });
  return problems;
}

function zodProblems(
  issues: ReadonlyArray<{ code: string; path: PropertyKey[]; message: string; keys?: string[] }>,
  at: PropertyKey[],
): PathProblem[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? (issue.keys ?? []).map((k) => ({ path: [...at, k], message: 'unknown key' }))
      : [{ path: [...at, ...issue.path], message: issue.message }],
  );
}
