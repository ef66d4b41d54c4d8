import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cli } from '../../../src/cli.js';
import { reportError } from '../../../src/cliErrors.js';

const example = new URL('../../../examples/medic.yaml', import.meta.url).pathname;

async function runCli(...args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d) => {
    o += d;
  });
  err.on('data', (d) => {
    e += d;
  });
  let code: number;
  try {
    code = await cli(args, out, err);
  } catch (x) {
    code = reportError(x, err);
  }
  return { code, out: o, err: e };
}

describe('medic CLI', () => {
  it('prints usage and exits 2 without a command', async () => {
    const r = await runCli();
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/Usage: medic <command>/);
  });

  it('validate: OK on the example inventory', async () => {
    const r = await runCli('validate', '--config', example);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/OK — 1 host\(s\), 1 site\(s\), 3 playbook\(s\)/);
  });

  it('validate: every problem with its path, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-cli-'));
    const file = join(dir, 'medic.yaml');
    writeFileSync(file, 'hosts: {}\nsites:\n  s: { url: "http://a/", hosts: [web1], bogus: 1 }\n');
    const r = await runCli('validate', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('line 3: sites.s.bogus: unknown key');
    expect(r.err).toContain('line 3: sites.s.hosts[0]: unknown host "web1"');
  });

  it('playbooks lists the built-in playbooks and their checks', async () => {
    const r = await runCli('playbooks', '--config', example);
    expect(r.out).toMatch(/^502-triage\s+502 Bad Gateway triage \(http-probe, upstream-probe, systemd-unit/m);
    expect(r.out).toMatch(/^disk\s+/m);
  });

  it('schema prints a JSON Schema that rejects unknown keys', async () => {
    const r = await runCli('schema');
    const schema = JSON.parse(r.out);
    expect(schema.properties.hosts).toBeDefined();
    expect(schema.additionalProperties).toBe(false);
  });

  it('diagnose: an unknown site is a usage error with suggestions', async () => {
    const r = await runCli('diagnose', '--config', example, '502', 'on', 'dem');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no site matches "502 on dem"; did you mean demo\?/);
  });

  it('diagnose: a missing config file is a usage error with a safe message', async () => {
    const r = await runCli('diagnose', '--config', '/nonexistent/medic.yaml', 'shop');
    expect(r.code).toBe(2);
    expect(r.err).toBe('medic: cannot read config file /nonexistent/medic.yaml (config.unreadable)\n');
  });

  it('diagnose: exit 3 when the site answers but part of its path went unseen', async () => {
    const server = createServer((_q, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'medic-cli-'));
    mkdirSync(join(dir, 'playbooks'));
    // The gateway's error log cannot be read: the site answers, yet Medic cannot say it is healthy.
    writeFileSync(
      join(dir, 'playbooks', 'logs.yaml'),
      'id: logs\ntitle: Logs\nchecks:\n  - check: http-probe\n  - check: nginx-errors\n    forEach: nginx\n    on: gateway\n',
    );
    const file = join(dir, 'medic.yaml');
    writeFileSync(
      file,
      `playbookDirs: [playbooks]\nstore: { path: medic.db }\nhosts:\n  local: { transport: local }\nsites:\n  demo:\n    url: http://127.0.0.1:${port}/\n    hosts: [local]\n    gateway: [local]\n    playbook: logs\n    services: [{ kind: nginx, errorLog: ${dir}/missing-error.log }]\n`,
    );
    try {
      const r = await runCli('diagnose', '--json', '--config', file, 'demo');
      const report = JSON.parse(r.out);
      expect([r.code, report.status]).toEqual([3, 'unknown']);
      expect(report.blindSpots).toEqual([
        expect.objectContaining({
          host: 'local',
          check: 'nginx-errors',
          reason: 'missing-source',
          onPath: true,
        }),
      ]);
      expect(report.causes[0].id).toBe('blind-spot');
    } finally {
      server.close();
    }
  });
});
