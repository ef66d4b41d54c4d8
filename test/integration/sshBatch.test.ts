/**
 * Batching against a real sshd on a fleet host: the read-only steps a check run sends in one
 * turn share one SSH session and give the same results as one channel each; a step that hangs
 * costs only its own timeout; closing the transport mid-batch ends every remote process; and a
 * host whose `ForceCommand` wrapper refuses the batch script falls back to one channel per
 * step, saying so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_MARGIN_MS } from '../../src/adapters/transport/sshCommand.js';
import { SshTransport } from '../../src/adapters/transport/sshTransport.js';
import { argv, type Command, script } from '../../src/core/command.js';
import type { HostConfig } from '../../src/core/model/inventory.js';
import { type ExecOptions, type ExecResult, silentLogger } from '../../src/core/ports.js';
import { Fleet, type FleetHost } from '../support/fleet.js';
import { eventually, remoteProcesses, settle, sshConfig } from '../support/sshKit.js';

const remote = (pattern: string) => remoteProcesses(web, pattern);

const fleet = new Fleet();
let web: FleetHost;
let cfg: HostConfig;

beforeAll(async () => {
  await fleet.prepare();
  web = await fleet.startHost('web2');
  cfg = sshConfig(fleet, web);
});
afterAll(() => fleet.stop());

const transport = (over: Partial<HostConfig> = {}) =>
  new SshTransport('web2', { ...cfg, ...over }, silentLogger);
/** Steps sent in the same turn, as a check run sends them. */
const together = (t: SshTransport, steps: Array<[Command, Partial<ExecOptions>?]>) =>
  Promise.all(steps.map(([cmd, o]) => t.exec(cmd, { timeoutMs: 10_000, batch: true, ...o })));
/** The same steps batched, then with batching off (one channel each), each on a fresh connection. */
async function bothWays(steps: Array<[Command, Partial<ExecOptions>?]>) {
  const results = [];
  for (const batch of [true, false]) {
    const t = transport({ batch });
    results.push(await together(t, steps));
    await t.close();
  }
  return results as [ExecResult[], ExecResult[]];
}

describe('batched read-only steps', () => {
  it('share one SSH session, where one channel each means one session each', async () => {
    const sid = script('ps -o sid= -p $$');
    const steps = Array.from({ length: 8 }, () => [sid] as [Command]);
    const [batched, single] = await bothWays(steps);
    expect(batched.map((r) => r.code)).toEqual(Array(8).fill(0));
    expect(new Set(batched.map((r) => r.stdout.trim())).size).toBe(1);
    expect(new Set(single.map((r) => r.stdout.trim())).size).toBe(8);
    expect(batched.every((r) => r.fallback === undefined)).toBe(true);
  });

  it('give what one channel each gives: output, errors, exit codes, sudo and other users', async () => {
    const steps: Array<[Command, Partial<ExecOptions>?]> = [
      [argv('cat', '/etc/services')],
      [argv('id', '-un'), { privileged: true }],
      [argv('id', '-un'), { asUser: 'www-data' }],
      [script('echo out; echo err >&2; exit 3')],
      [script('head -c 200000 /dev/zero | tr "\\0" "x"')],
      [argv('printf', 'no newline')],
      [argv('ls', '/nonexistent')],
    ];
    const [batched, single] = await bothWays(steps);
    const view = (r: (typeof batched)[number]) => [r.code, r.timedOut, r.stdout, r.stderr];
    expect(batched.map(view)).toEqual(single.map(view));
    expect(batched.map((r) => r.code)).toEqual([0, 0, 0, 3, 0, 0, 2]);
    expect(batched[1]?.stdout.trim()).toBe('root');
    expect(batched[2]?.stdout.trim()).toBe('www-data');
    expect(batched[4]?.stdout.length).toBe(200_000);
  });

  it('a step that hangs costs its own timeout; the others answer at once; nothing is left', async () => {
    const t = transport();
    await t.exec(argv('true'), { timeoutMs: 5000 }); // connected
    const t0 = Date.now();
    const [a, slow, b] = await Promise.all([
      settle(t.exec(argv('echo', 'a'), { timeoutMs: 10_000, batch: true })),
      settle(t.exec(argv('sleep', '60'), { timeoutMs: 2000, batch: true })),
      settle(t.exec(argv('echo', 'b'), { timeoutMs: 10_000, batch: true })),
    ]);
    await t.close();
    for (const r of [a, b]) {
      expect(r).toMatchObject({ value: { code: 0 } });
      expect(r.at - t0).toBeLessThan(1000);
    }
    expect(slow).toMatchObject({ value: { timedOut: true } });
    expect(slow.at - t0).toBeGreaterThanOrEqual(1900);
    expect(slow.at - t0).toBeLessThan(2000 + LOCAL_MARGIN_MS + 700);
    expect(await eventually(async () => (await remote('sleep 6[0]')) === '', 3000)).toBe(true);
  });

  it('closing the transport mid-batch ends every remote step, as the user and through sudo', async () => {
    const t = transport();
    const running = [
      settle(t.exec(argv('sleep', '311'), { timeoutMs: 600_000, batch: true })),
      settle(t.exec(argv('sleep', '312'), { timeoutMs: 600_000, batch: true, privileged: true })),
      settle(t.exec(argv('echo', 'quick'), { timeoutMs: 600_000, batch: true })),
    ];
    expect(await eventually(async () => (await remote('sleep 31[12]')).split('\n').length >= 2, 5000)).toBe(
      true,
    );
    const t0 = Date.now();
    await t.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    const [u, root, quick] = await Promise.all(running);
    expect(quick).toMatchObject({ value: { code: 0, stdout: 'quick\n' } });
    for (const r of [u, root]) expect(r).toMatchObject({ error: { code: 'transport.closed' } });
    expect(await eventually(async () => (await remote('sleep 31[12]')) === '', 3000)).toBe(true);
  });
});

describe('a host whose ForceCommand refuses the batch script', () => {
  // A wrapper in the style of a bastion's: one command line only, logged, run by the shell.
  const wrapper = [
    '#!/bin/sh',
    'case "$SSH_ORIGINAL_COMMAND" in',
    "  *'",
    "'*|'') echo \"only one command line, please\" >&2; exit 1 ;;",
    'esac',
    'exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"',
  ].join('\n');
  beforeAll(async () => {
    await web.sh(
      `printf '%s\\n' '${wrapper.replaceAll("'", "'\\''")}' >/usr/local/bin/one-line && chmod 755 /usr/local/bin/one-line && printf 'Match User medic\\n  ForceCommand /usr/local/bin/one-line\\n' >>/etc/ssh/sshd_config && sshd -t && systemctl restart ssh`,
    );
  });
  afterAll(async () => {
    await web.sh("sed -i '/^Match User medic$/,$d' /etc/ssh/sshd_config && systemctl restart ssh");
  });

  it('falls back to one channel per step, with the same results and a note saying why', async () => {
    const t = transport({ user: 'medic', sudo: false });
    const steps: Array<[Command]> = [
      [argv('id', '-un')],
      [script('echo two; exit 4')],
      [argv('uname', '-s')],
    ];
    const first = await together(t, steps);
    expect(first.map((r) => [r.code, r.stdout])).toEqual([
      [0, 'medic\n'],
      [4, 'two\n'],
      [0, 'Linux\n'],
    ]);
    for (const r of first) {
      expect(r.fallback).toContain('only one command line, please');
      expect(r.fallback).toContain('one channel per step');
    }
    // The host is known now: the next run goes straight to one channel per step.
    const again = await together(t, steps);
    expect(again.map((r) => r.code)).toEqual([0, 4, 0]);
    expect(again.every((r) => r.fallback === first[0]?.fallback)).toBe(true);
    await t.close();
  });
});
