/**
 * The bundled `medic` bin (scripts/bundle.mjs) finds the package's own playbooks and example
 * inventory from its chunks, and runs the commands as the unbundled sources do.
 */
import { execFile as execFileCb } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/packageRoot.js';

const execFile = promisify(execFileCb);
const root = fileURLToPath(new URL('../../', import.meta.url));
// Inside the package, as dist/bundle is: the chunks find package.json upwards.
let out = '';

const medic = async (...args: string[]) => {
  try {
    const r = await execFile('node', [join(out, 'cli.js'), ...args], { cwd: root });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
};

beforeAll(async () => {
  out = mkdtempSync(join(root, 'node_modules', '.bundle-test-'));
  await execFile('node', ['scripts/bundle.mjs', out], { cwd: root });
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the bundled bin', () => {
  it('finds the package root from the sources and from a bundle folder', () => {
    expect(packageRoot(new URL('../../src/config/packageRoot.ts', import.meta.url).href)).toBe(
      root.replace(/\/$/, ''),
    );
    expect(packageRoot(`file://${join(out, 'cli.js')}`)).toBe(root.replace(/\/$/, ''));
  });

  it('lists the built-in playbooks from its chunks', async () => {
    const r = await medic('playbooks', '--config', 'examples/medic.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/502-triage/);
  });

  it('reads the inventory and answers an unknown site as the sources do', async () => {
    const r = await medic('diagnose', 'nosuch', '--config', 'examples/medic.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no site matches "nosuch"; sites: demo');
  });
});
