/**
 * `medic diagnose --json` of a host in trouble. One that freezes (`freeze()`) while its checks
 * run: the report comes back within the host's command timeout plus a few seconds, every check
 * that did not get its answer is an error (never ok), and Medic exits instead of waiting for the
 * host. One whose sshd allows a single session (`MaxSessions 1`): the checks that never got a
 * channel in time are blind spots, `channel-refused`, not ok.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Report } from '../../src/core/model/report.js';
import { Fleet, type FleetHost } from '../support/fleet.js';

const cliPath = new URL('../../src/cli.ts', import.meta.url).pathname;
const fleet = new Fleet();
let web: FleetHost;
let config = '';

beforeAll(async () => {
  await fleet.prepare();
  web = await fleet.startHost('web2');
  config = fleet.writeConfig(web.shopConfigYaml()); // commandTimeoutMs: the default 10 s
  // A slow `ss` (it sleeps before it runs) holds the run open so the host can freeze mid-run.
  await web.sh(
    `mv /usr/bin/ss /usr/bin/ss.real && printf '#!/bin/sh\\ntouch /run/ss-started\\nsleep 2\\nexec /usr/bin/ss.real "$@"\\n' > /usr/bin/ss && chmod 755 /usr/bin/ss`,
  );
});
afterAll(() => fleet.stop());

function diagnose(configPath = config): {
  child: ChildProcess;
  done: Promise<{ report: Report; exitedAt: number }>;
} {
  const child = spawn('node', [
    '--import',
    'tsx',
    cliPath,
    'diagnose',
    '--json',
    '--config',
    configPath,
    'shop',
  ]);
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const done = new Promise<{ report: Report; exitedAt: number }>((resolve, reject) => {
    child.on('close', () => {
      try {
        resolve({ report: JSON.parse(out) as Report, exitedAt: Date.now() });
      } catch {
        reject(new Error(`no JSON report: ${out.slice(0, 200)}`));
      }
    });
  });
  return { child, done };
}

it('a host frozen mid-run: the report within the command timeout plus a few seconds, and Medic exits', async () => {
  const run = diagnose();
  try {
    await web.waitFor('test -e /run/ss-started', 20_000);
    await web.freeze();
    const pausedAt = Date.now();
    const { report, exitedAt } = await run.done;
    expect(exitedAt - pausedAt).toBeLessThan(10_000 + 5000);
    expect(report.status).not.toBe('healthy');
    const web2 = report.checks.filter((c) => c.host === 'web2');
    // The listening sockets were being read when the host froze: that check could not look.
    expect(web2.find((c) => c.check === 'listening-sockets')?.status).toBe('error');
    // Nothing that ran while the host was frozen passes for ok.
    for (const c of web2)
      if (c.durationMs > 10_000) expect(c.status, JSON.stringify(c)).toMatch(/error|skipped/);
  } finally {
    run.child.kill('SIGKILL');
    await web.thaw();
  }
}, 60_000);

it('sshd allowing one session: batched, every check runs; a channel each, the refused are blind spots', async () => {
  // The same site with 1 s per command: the slow `ss` holds the only session while the rest wait.
  const tightConfig = join(fleet.keyDir, 'tight.yaml');
  const tight = web
    .shopConfigYaml()
    .replace('    connectTimeoutMs: 4000', '    connectTimeoutMs: 4000\n    commandTimeoutMs: 1000');
  writeFileSync(tightConfig, tight.replace('    sudo: true', '    sudo: true\n    batch: false'));
  const batchedConfig = join(fleet.keyDir, 'batched.yaml');
  writeFileSync(batchedConfig, tight);
  await web.sh(
    "sed -i 's/^#\\?MaxSessions.*/MaxSessions 1/' /etc/ssh/sshd_config && grep -qx 'MaxSessions 1' /etc/ssh/sshd_config && systemctl restart ssh",
  );
  try {
    // One script on one channel: nothing to refuse.
    const batched = (await diagnose(batchedConfig).done).report;
    expect(batched.checks.filter((c) => c.error?.code === 'transport.channel-refused')).toEqual([]);
    expect(batched.blindSpots.filter((b) => b.reason === 'channel-refused')).toEqual([]);
    const { report } = await diagnose(tightConfig).done;
    const refused = report.checks.filter((c) => c.error?.code === 'transport.channel-refused');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const c of refused) expect(c.status).toBe('error');
    const spots = report.blindSpots.filter((b) => b.reason === 'channel-refused');
    expect(spots.map((b) => b.check).sort()).toEqual(refused.map((c) => c.check).sort());
  } finally {
    await web.sh("sed -i 's/^MaxSessions 1$/#MaxSessions 10/' /etc/ssh/sshd_config && systemctl restart ssh");
  }
}, 60_000);
