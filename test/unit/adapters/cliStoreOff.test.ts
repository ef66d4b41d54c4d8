/** An unusable store at start: `diagnose` still diagnoses and says history is off; `serve` refuses. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../../src/cli.js';
import { reportError } from '../../../src/cliErrors.js';

const server = createServer((_req, res) => {
  res.writeHead(200).end('hi');
});
let dir = '';
let config = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  dir = mkdtempSync(join(tmpdir(), 'medic-storeoff-'));
  mkdirSync(join(dir, 'playbooks'));
  writeFileSync(
    join(dir, 'playbooks', 'probe.yaml'),
    'id: probe\ntitle: Probe\nchecks:\n  - check: http-probe\n',
  );
  // The store path names a file that is something else entirely.
  writeFileSync(join(dir, 'notes.txt'), 'remember to renew the certificate\n');
  config = join(dir, 'medic.yaml');
  writeFileSync(
    config,
    `playbookDirs: [playbooks]\nstore: { path: notes.txt }\nhosts:\n  local: { transport: local }\nsites:\n  demo: { url: "http://127.0.0.1:${port}/", hosts: [local], playbook: probe }\n`,
  );
});
afterAll(() => {
  server.close();
});

async function run(...args: string[]) {
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

describe('a store that is not a database', () => {
  it('diagnose still diagnoses, warns that history is off and why, and the report says not saved', async () => {
    const path = join(dir, 'notes.txt');
    const r = await run('diagnose', '--config', config, 'demo');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\[OK\] demo is healthy/);
    expect(r.out).toContain(`  not saved: ${path} is not a database`);
    expect(r.err).toBe(
      `medic: history is off: ${path} is not a database (store.not-a-database); this report is not saved\n` +
        "  what to do: store.path names a file that is not Medic's store: move it aside (Medic then creates a new store), or point store.path in medic.yaml (or MEDIC_STATE_DIR) at another folder\n",
    );
    const json = await run('diagnose', '--json', '--config', config, 'demo');
    expect(JSON.parse(json.out).notSaved).toMatchObject({ kind: 'not-a-database', path });
  });

  it('serve refuses to start with the real reason and what to do, exit 1', async () => {
    const r = await run('serve', '--config', config);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^medic: the store cannot be used: .*notes\.txt is not a database \(store\.not-a-database\)\n {2}what to do: /,
    );
    expect(r.err).not.toMatch(/read-only or corrupt\?/);
  });
});
