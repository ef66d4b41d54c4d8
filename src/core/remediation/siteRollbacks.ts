import type { ProposedAction } from '../model/action.js';
import type { SiteConfig } from '../model/inventory.js';
import { propose } from './actionCatalog.js';

/** The rollbacks a site declares, one proposal per host (ids name the entry, so they are stable). */
export function siteRollbacks(site: SiteConfig): ProposedAction[] {
  return site.rollback.flatMap((rb, i) => {
    const { kind, hosts, ...params } = rb;
    return (hosts ?? site.hosts).map((host) => propose(kind, host, params, `rollback-${i + 1}`));
  });
}
