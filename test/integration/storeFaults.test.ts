/**
 * The store under real faults on this machine (root: it mounts file systems): a 1 MiB tmpfs that
 * fills up while `medic serve` runs, a store on a read-only mount, a damaged file, each at start
 * for `diagnose` and `serve`. The site is a real HTTP server on loopback, diagnosed through the
 * local transport.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../src/cli.js';
import { reportError } from '../../src/cliErrors.js';
import { serve } from '../support/serveProcess.js';

const root = process.getuid?.() === 0;
const server = createServer((_req, res) => {
  res.writeHead(200).end('hi');
});
let port = 0;
const mounts: string[] = [];

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.close();
  for (const m of mounts.reverse()) execFileSync('umount', ['-l', m]);
});

/** A folder with a config whose store is `storeDir/medic.db`, and the probe-only playbook. */
function setup(storeDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'medic-storefault-'));
  mkdirSync(join(dir, 'playbooks'));
  writeFileSync(
    join(dir, 'playbooks', 'probe.yaml'),
    'id: probe\ntitle: Probe\nchecks:\n  - check: http-probe\n',
  );
  writeFileSync(
    join(dir, 'medic.yaml'),
    `playbookDirs: [playbooks]\nstore: { path: ${join(storeDir, 'medic.db')} }\nhosts:\n  local: { transport: local }\nsites:\n  demo: { url: "http://127.0.0.1:${port}/", hosts: [local], playbook: probe }\n`,
  );
  return join(dir, 'medic.yaml');
}

function mount(dir: string, ...args: string[]): void {
  execFileSync('mount', [...args, dir]);
  mounts.push(dir);
}

/** A tmpfs of 1 MiB: `fill()` writes until the kernel says ENOSPC, `free()` removes that again. */
function tinyTmpfs() {
  const dir = mkdtempSync(join(tmpdir(), 'medic-tiny-'));
  mount(dir, '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs');
  const filler = join(dir, 'filler');
  return {
    dir,
    fill: () => {
      try {
        writeFileSync(filler, Buffer.alloc(2 << 20));
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
    },
    free: () => rmSync(filler),
  };
}

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

describe.skipIf(!root)('a store on a tiny tmpfs that fills up while serve runs', () => {
  it('the reply says "not saved: disk full at …", the log says it once, history shows what is stored', async () => {
    const fs = tinyTmpfs();
    const path = join(fs.dir, 'medic.db');
    const medic = serve(['--config', setup(fs.dir)]);
    const say = async (line: string, until: RegExp) => {
      medic.child.stdin?.write(`${line}\n`);
      await medic.waitForOutput(until);
    };
    await say('502 on demo', /(\[OK\] demo is healthy[\s\S]*){1}/);
    fs.fill();
    await say('502 on demo', /(not saved: disk full at [\s\S]*){1}/);
    await say('502 on demo', /(not saved: disk full at [\s\S]*){2}/);
    expect(medic.stdout()).toContain(`  not saved: disk full at ${path}\n`);
    await say('history demo', /Last runs of demo:/);
    const historyLines = medic.stdout().split('Last runs of demo:')[1]?.trim().split('\n') ?? [];
    expect(historyLines.filter((l) => / healthy /.test(l))).toHaveLength(1); // only the run that was saved
    fs.free();
    await say('502 on demo', /(\[OK\] demo is healthy[\s\S]*){4}/);
    medic.child.stdin?.end();
    expect((await medic.exited).code).toBe(0);
    const logged = medic.logs().map((l) => String(l.msg));
    expect(logged.filter((m) => /reports are not saved/.test(m))).toEqual([
      `reports are not saved: disk full at ${path} (said once until it changes)`,
    ]);
    expect(logged).toContain('reports are saved again');
    expect(medic.stdout().split('not saved: disk full').length - 1).toBe(2);
    const db = new Database(path, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n).toBe(2);
    db.close();
  }, 60_000);
});

describe.skipIf(!root)('an unusable store at start', () => {
  it('a full disk: diagnose works and says history is off; serve refuses with ENOSPC and what to do', async () => {
    const fs = tinyTmpfs();
    const config = setup(fs.dir);
    fs.fill();
    const d = await run('diagnose', '--config', config, 'demo');
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/^\[OK\] demo is healthy/);
    expect(d.err).toMatch(
      /^medic: history is off: disk full at .*medic\.db \(store\.disk-full\); this report is not saved\n {2}what to do: free space on that file system/,
    );
    const s = serve(['--config', config]);
    expect((await s.exited).code).toBe(1);
    expect(s.stderr()).toMatch(
      /^medic: the store cannot be used: disk full at .*medic\.db \(store\.disk-full\)\n {2}what to do: free space/,
    );
  }, 60_000);

  it('a read-only mount: diagnose says so (not "corrupt?"), serve refuses with EROFS and what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-ro-'));
    const config = setup(dir);
    expect((await run('diagnose', '--config', config, 'demo')).err).toBe(''); // a store that worked
    mount(dir, '--bind', dir);
    execFileSync('mount', ['-o', 'remount,ro,bind', dir]);
    const d = await run('diagnose', '--config', config, 'demo');
    expect(d.code).toBe(0);
    expect(d.err).toMatch(
      /^medic: history is off: read-only file system at .*medic\.db \(store\.read-only\)/,
    );
    const s = serve(['--config', config]);
    expect((await s.exited).code).toBe(1);
    expect(s.stderr()).toMatch(
      /^medic: the store cannot be used: read-only file system at .*medic\.db \(store\.read-only\)\n {2}what to do: remount that file system read-write/,
    );
    const check = await run('store', 'check', '--config', config);
    expect(check.code).toBe(1);
    expect(check.out).toContain('(store.read-only)');
  }, 60_000);

  it('a damaged file: serve refuses it as corrupt; store check prints the commands that rebuild it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medic-bad-'));
    const config = setup(dir);
    for (let i = 0; i < 5; i++) await run('diagnose', '--config', config, 'demo');
    const path = join(dir, 'medic.db');
    const db = new Database(path);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'reports'").get() as {
      rootpage: number;
    };
    db.close();
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 4096 * (rootpage - 1));
    closeSync(fd);
    const s = serve(['--config', config]);
    expect((await s.exited).code).toBe(1);
    expect(s.stderr()).toMatch(
      /^medic: the store cannot be used: the database at .*medic\.db is corrupt \(store\.corrupt\)/,
    );
    const check = await run('store', 'check', '--config', config);
    expect(check.code).toBe(1);
    expect(check.out).toContain('  with Medic stopped:\n');
  }, 60_000);
});
