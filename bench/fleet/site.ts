/**
 * The benchmark's inventory: one site, "shop", served by every host. It names no `gateway`, so
 * all its hosts are the gateway (nginx) and Medic runs every host-wide check on each of them.
 */
import type { FleetHost } from '../../test/support/fleet.js';

export const SITE = 'shop';

export function siteConfigYaml(hosts: FleetHost[]): string {
  const [first] = hosts;
  if (!first) throw new Error('a site needs a host');
  return [
    'store: { path: medic.db }',
    'hosts:',
    ...hosts.map((h) => h.hostYaml()),
    'sites:',
    `  ${SITE}:`,
    `    url: http://127.0.0.1:${first.httpPort}/`,
    '    hostHeader: shop.example.com',
    '    aliases: [shop.example.com]',
    `    hosts: [${hosts.map((h) => h.name).join(', ')}]`,
    '    services:',
    '      - { kind: systemd, unit: php8.2-fpm }',
    '      - { kind: php-fpm, unit: php8.2-fpm, socket: /run/php/php8.2-fpm.sock, log: /var/log/php8.2-fpm.log }',
    '      - { kind: nginx }',
    '',
  ].join('\n');
}
