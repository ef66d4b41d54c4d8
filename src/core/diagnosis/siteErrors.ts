import { type Finding, isKind } from '../model/finding.js';
import type { SiteConfig } from '../model/inventory.js';
import { siteHostNames } from './topology/topologyInput.js';

/**
 * nginx upstream errors that belong to this site: one gateway serves many sites and its error
 * log mixes them, so keep lines whose `server` or Host is one of the site's names (or that name
 * neither).
 */
export function siteErrors(
  site: SiteConfig,
  siteName: string,
  findings: Finding[],
): Finding<'nginx-upstream-error'>[] {
  const names = new Set(siteHostNames(site, siteName));
  return findings.filter((f): f is Finding<'nginx-upstream-error'> => {
    if (!isKind(f, 'nginx-upstream-error')) return false;
    const server = f.data.server?.toLowerCase();
    const host = f.data.requestHost?.toLowerCase().replace(/:\d+$/, '');
    return (
      (!server && !host) ||
      (server !== undefined && names.has(server)) ||
      (host !== undefined && names.has(host))
    );
  });
}
