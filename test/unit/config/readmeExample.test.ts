import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/loadConfig.js';

// The README's config example is documentation users copy: it must stay valid.
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const example = /## The config file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describe('README config example', () => {
  it('parses with the real schema and names every service kind', () => {
    const c = parseConfig(example, 'README.md');
    expect(Object.keys(c.hosts)).toEqual(['web1', 'web2']);
    expect(c.sites.shop?.services.map((s) => s.kind)).toEqual([
      'systemd',
      'php-fpm',
      'nginx',
      'systemd',
      'docker',
      'pm2',
    ]);
    expect(c.sites.shop?.rollback.map((r) => r.kind)).toEqual([
      'rollback-symlink',
      'rollback-container',
      'rollback-commands',
    ]);
    expect(c.remediation.selfHealing[0]).toMatchObject({ cause: 'upstream-down', maxRuns: 3 });
    expect(c.schedules.map((x) => x.timezone)).toEqual(['UTC', 'Europe/Berlin']);
  });
});
