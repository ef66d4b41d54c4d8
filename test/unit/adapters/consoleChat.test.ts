import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleChat } from '../../../src/adapters/console/consoleChat.js';
import { createMedic } from '../../../src/composition.js';

// A real upstream on loopback and the real local transport: the console demo path.
let status = 200;
const server = createServer((_req, res) => {
  res.writeHead(status, { server: 'test-upstream' }).end('hi');
});
let config = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'medic-console-'));
  config = join(dir, 'medic.yaml');
  // Its own playbook (through playbookDirs): the chat path, not this machine's kernel history.
  mkdirSync(join(dir, 'playbooks'));
  writeFileSync(
    join(dir, 'playbooks', 'probe.yaml'),
    'id: probe\ntitle: Probes only\nchecks:\n  - check: http-probe\n  - check: upstream-probe\n  - check: listening-sockets\n',
  );
  writeFileSync(
    config,
    `playbookDirs: [playbooks]\nstore: { path: medic.db }\nhosts:\n  local: { transport: local }\nsites:\n  demo:\n    url: http://127.0.0.1:${port}/\n    hosts: [local]\n    playbook: probe\n    upstreams: [{ url: "http://127.0.0.1:${port}/", host: local }]\n`,
  );
});
afterAll(() => {
  server.close();
});

async function chat(lines: string[]): Promise<string> {
  const medic = createMedic(config, { logLevel: 'silent' });
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d) => {
    text += d;
  });
  const done = consoleChat(medic.conversation, { input, output, color: false });
  input.end(`${lines.join('\n')}\n`);
  await done;
  return text;
}

describe('console chat (local transport, real HTTP upstream)', () => {
  it('answers help and diagnoses a healthy site', async () => {
    status = 200;
    const text = await chat(['help', '502 on demo']);
    expect(text).toMatch(/Sites: demo/);
    expect(text).toMatch(/Running probe on demo/);
    expect(text).toMatch(/\[OK\] demo is healthy/);
    expect(text).toMatch(/probe: GET http:\/\/127\.0\.0\.1:\d+\/ -> 200 \(server: test-upstream\)/);
  }, 30_000);

  it('reports a 502 from the upstream as down', async () => {
    status = 502;
    const text = await chat(['demo is down']);
    expect(text).toMatch(/\[DOWN\] demo is down/);
    expect(text).toMatch(/upstream-probe\s+critical/);
  }, 30_000);

  it('keeps history across restarts and reports status per site', async () => {
    status = 200;
    await chat(['diagnose demo']);
    const text = await chat(['history demo', 'status']); // a new Medic on the same store file
    expect(text).toMatch(/Last runs of demo:\n {2}\S+Z {2}(healthy|down) /);
    expect(text).toMatch(/ {2}demo {9}(healthy|down) at \S+Z: demo is /);
  }, 30_000);

  it('asks about unknown sites instead of guessing', async () => {
    const text = await chat(['502 on dmeo']);
    expect(text).toContain('I don\'t know a site in "502 on dmeo". Did you mean demo?');
  });
});
