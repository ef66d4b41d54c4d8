/**
 * The SSH transport under faults, against a real sshd on a fleet host: a host frozen mid-command
 * (`freeze()`), a command that hangs, remote processes hung up when Medic closes their
 * channel, and sshd refusing channels (`MaxSessions 1`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_MARGIN_MS } from '../../src/adapters/transport/sshCommand.js';
import { STALL_GRACE_MS } from '../../src/adapters/transport/sshLink.js';
import { SshTransport } from '../../src/adapters/transport/sshTransport.js';
import { argv, script } from '../../src/core/command.js';
import type { HostConfig } from '../../src/core/model/inventory.js';
import { silentLogger } from '../../src/core/ports.js';
import { Fleet, type FleetHost } from '../support/fleet.js';
import { eventually, remoteProcesses, settle, sshConfig } from '../support/sshKit.js';

const remote = (pattern: string) => remoteProcesses(web, pattern);

const fleet = new Fleet();
let web: FleetHost;
let cfg: HostConfig;

beforeAll(async () => {
  await fleet.prepare();
  web = await fleet.startHost('web2'); // needs no other host for its nginx
  cfg = sshConfig(fleet, web, { maxChannels: 10 });
});
afterAll(() => fleet.stop());

const transport = (over: Partial<HostConfig> = {}) =>
  new SshTransport('web2', { ...cfg, ...over }, silentLogger);

describe('SshTransport under faults', () => {
  it('a command that hangs comes back timed out at its timeout, and its process is gone', async () => {
    const t = transport();
    const t0 = Date.now();
    const r = await t.exec(argv('sleep', '60'), { timeoutMs: 2000 });
    const took = Date.now() - t0;
    expect(r.timedOut).toBe(true);
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(2000 + 1000 + 500); // the timeout, at most Medic's margin, a little slack
    expect(await remote('sleep 6[0]')).toBe('');
    // The connection is fine: the host answered, so nothing was dropped.
    expect((await t.exec(argv('true'), { timeoutMs: 5000 })).code).toBe(0);
    await t.close();
  });

  it('cancelling a command hangs it up: the remote process ends', async () => {
    const t = transport();
    const ac = new AbortController();
    const running = settle(t.exec(argv('sleep', '300'), { timeoutMs: 600_000, signal: ac.signal }));
    expect(await eventually(async () => (await remote('sleep 30[0]')) !== '', 5000)).toBe(true);
    const t0 = Date.now();
    ac.abort();
    const r = await running;
    expect(r).toMatchObject({ error: { code: 'transport.aborted' } });
    expect(r.at - t0).toBeLessThan(500);
    expect(await eventually(async () => (await remote('sleep 30[0]')) === '', 3000)).toBe(true);
    await t.close();
  });

  it('closing the transport hangs up what still runs, as the user and through sudo', async () => {
    const t = transport();
    // A script as the login user: the hangup reaches its whole process group (sh and its sleep).
    const mine = settle(t.exec(script('sleep 301; echo never'), { timeoutMs: 600_000 }));
    // Through sudo: the remote `timeout` relays the hangup to sudo, which relays it to the command.
    const root = settle(t.exec(argv('sleep', '302'), { timeoutMs: 600_000, privileged: true }));
    const other = settle(t.exec(argv('sleep', '303'), { timeoutMs: 600_000, asUser: 'www-data' }));
    expect(await eventually(async () => (await remote('sleep 30[123]')).split('\n').length >= 3, 5000)).toBe(
      true,
    );
    expect(await web.sh("ps -o user= -C sleep | sort | tr '\\n' ' '")).toBe('deploy root www-data');
    const t0 = Date.now();
    await t.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    for (const r of await Promise.all([mine, root, other])) {
      expect(r).toMatchObject({ error: { code: 'transport.closed' } });
    }
    expect(await eventually(async () => (await remote('sleep 30[123]')) === '', 3000)).toBe(true);
  });

  it('a host frozen mid-command: timed out at its timeout, the rest fail fast, nothing hangs', async () => {
    const t = transport();
    await t.exec(argv('true'), { timeoutMs: 5000 }); // connected
    const t0 = Date.now();
    const long = settle(t.exec(argv('sleep', '30'), { timeoutMs: 3000 }));
    const other = settle(t.exec(argv('sleep', '20'), { timeoutMs: 10_000 })); // a longer budget, same host
    expect(await eventually(async () => (await remote('^sleep [23]0$')).split('\n').length === 2, 5000)).toBe(
      true,
    );
    await web.freeze();
    try {
      // Sent to the frozen host: its channel open is never answered.
      const later = settle(t.exec(argv('true'), { timeoutMs: 10_000 }));
      const [a, b, c] = await Promise.all([long, other, later]);
      // Medic's own timer: the remote `timeout` cannot answer from a frozen host.
      expect(a).toMatchObject({ value: { timedOut: true, code: null } });
      expect(a.at - t0).toBeGreaterThanOrEqual(3000 + LOCAL_MARGIN_MS - 100);
      expect(a.at - t0).toBeLessThan(3000 + LOCAL_MARGIN_MS + 700);
      // Then the silent connection is dropped: the others fail as the host being unreachable,
      // long before their own 10 s.
      const dropAt = 3000 + LOCAL_MARGIN_MS + STALL_GRACE_MS;
      for (const r of [b, c]) {
        expect(r).toMatchObject({ error: { code: 'transport.unreachable' } });
        expect(r.at - t0).toBeGreaterThanOrEqual(dropAt - 100);
        expect(r.at - t0).toBeLessThan(dropAt + 700);
      }
      // And what comes after fails at once: no reconnect that would wait for the connect timeout.
      const t1 = Date.now();
      await expect(t.exec(argv('true'), { timeoutMs: 5000 })).rejects.toMatchObject({
        code: 'transport.unreachable',
        userMessage: expect.stringContaining('stopped answering'),
      });
      expect(Date.now() - t1).toBeLessThan(100);
    } finally {
      await web.thaw();
    }
    await t.close();
    const fresh = transport();
    expect((await fresh.exec(argv('true'), { timeoutMs: 5000 })).code).toBe(0);
    await fresh.close();
  });
});

describe('sshd allowing one session per connection (MaxSessions 1)', () => {
  beforeAll(async () => {
    await web.sh(
      "sed -i 's/^#\\?MaxSessions.*/MaxSessions 1/' /etc/ssh/sshd_config && grep -qx 'MaxSessions 1' /etc/ssh/sshd_config && systemctl restart ssh",
    );
  });
  afterAll(async () => {
    await web.sh("sed -i 's/^MaxSessions 1$/#MaxSessions 10/' /etc/ssh/sshd_config && systemctl restart ssh");
  });

  it('10 commands at once, each with time enough: all succeed, one at a time', async () => {
    const t = transport();
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.exec(script(`date +%s%N; sleep 0.2; echo ${i}; date +%s%N`), { timeoutMs: 10_000 }),
      ),
    );
    const took = Date.now() - t0;
    await t.close();
    expect(results.map((r) => r.code)).toEqual(Array(10).fill(0));
    expect(results.map((r) => r.stdout.split('\n')[1])).toEqual(
      Array.from({ length: 10 }, (_, i) => String(i)),
    );
    // sshd ran them one after the other: no two overlap.
    const spans = results
      .map((r) => r.stdout.split('\n').map(Number))
      .map(([start = 0, , end = 0]) => ({ start, end }))
      .sort((x, y) => x.start - y.start);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]?.start).toBeGreaterThanOrEqual(spans[i - 1]?.end ?? 0);
    expect(took).toBeGreaterThanOrEqual(10 * 200);
    expect(took).toBeLessThan(8000);
  });

  it('with too little time, the commands that never got a channel fail as channel-refused', async () => {
    const t = transport();
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => settle(t.exec(argv('sleep', '1'), { timeoutMs: 2500 }))),
    );
    await t.close();
    const kinds = results.map((r) =>
      'value' in r ? (r.value.code === 0 ? 'ok' : r.value.timedOut ? 'timed-out' : 'failed') : r.error.code,
    );
    expect(kinds.filter((k) => k === 'ok').length).toBeGreaterThanOrEqual(1);
    expect(kinds.filter((k) => k === 'transport.channel-refused').length).toBeGreaterThanOrEqual(6);
    expect(kinds.every((k) => ['ok', 'timed-out', 'transport.channel-refused'].includes(k as string))).toBe(
      true,
    );
    const refusedAt = results.filter((r) => 'error' in r).map((r) => r.at - t0);
    expect(Math.min(...refusedAt)).toBeGreaterThanOrEqual(2500 - 50); // they waited their whole budget
    expect(Math.max(...results.map((r) => r.at - t0))).toBeLessThan(2500 + 1000 + LOCAL_MARGIN_MS + 700);
  });
});
