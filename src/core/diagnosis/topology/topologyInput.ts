import type { Finding } from '../../model/finding.js';
import type { HostConfig, SiteConfig } from '../../model/inventory.js';

/** What the topology is built from: the site, the inventory's hosts and the topology checks' findings. */
export interface TopologyInput {
  siteName: string;
  site: SiteConfig;
  /** The inventory's hosts, to tell which one owns an address a gateway passes to. */
  hosts: Record<string, HostConfig>;
  findings: Finding[];
}

/** The names the gateway knows this site by (Host header, URL host, aliases, site name), lower-case. */
export function siteHostNames(site: SiteConfig, siteName: string): string[] {
  const names = [site.hostHeader, new URL(site.url).hostname, ...site.aliases, siteName];
  return [
    ...new Set(names.filter((n): n is string => Boolean(n)).map((n) => n.toLowerCase().replace(/:\d+$/, ''))),
  ];
}

export const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || /^127\./.test(host) || host === '0.0.0.0';
