import { describe, expect, it } from 'vitest';
import { crossCheck } from '../../../src/config/crossCheck.js';
import { parseConfig } from '../../../src/config/loadConfig.js';

const config = parseConfig(
  `
hosts:
  web1: { transport: local }
sites:
  shop: { url: "http://127.0.0.1:9/", hosts: [web1] }
schedules:
  - { cron: "*/5 * * * *", site: shop, playbook: 502-triage }
  - { cron: "0 3 * * *", site: shop, playbook: dsik }
  - { cron: "0 4 * * *", site: shop }
`,
  'medic.yaml',
);

describe('crossCheck of the playbooks schedules name', () => {
  it('needs the loaded playbooks: the config loader alone cannot know them', () => {
    expect(crossCheck(config)).toEqual([]);
  });

  it('reports a site or schedule naming a playbook that is not loaded, with its path', () => {
    const site = { ...config, sites: { shop: { ...config.sites.shop, playbook: 'heath' } } } as typeof config;
    expect(crossCheck(site, new Set(['502-triage', 'disk', 'health']))[0]).toEqual({
      path: ['sites', 'shop', 'playbook'],
      message: 'unknown playbook "heath" (playbooks: 502-triage, disk, health)',
    });

    expect(crossCheck(config, new Set(['502-triage', 'disk', 'health']))).toEqual([
      {
        path: ['schedules', 1, 'playbook'],
        message: 'unknown playbook "dsik" (playbooks: 502-triage, disk, health)',
      },
    ]);
  });
});
