import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../../src/core/checks/builtinChecks.js';
import { CheckCatalog } from '../../../src/core/checks/catalog.js';
import { type Command, toShell } from '../../../src/core/command.js';
import { Diagnoser } from '../../../src/core/engine/diagnoser.js';
import { MedicError } from '../../../src/core/errors.js';
import type { Inventory } from '../../../src/core/model/inventory.js';
import { inventorySchema } from '../../../src/core/model/inventory.js';
import type { ProgressEvent } from '../../../src/core/model/progress.js';
import type { Playbook } from '../../../src/core/playbooks/playbook.js';
import type {
  ExecOptions,
  ExecResult,
  HttpProber,
  Transport,
  TransportFactory,
} from '../../../src/core/ports.js';
import { silentLogger } from '../../../src/core/ports.js';
import { intentProposer } from '../../../src/core/remediation/intentProposer.js';

const inventory: Inventory = inventorySchema.parse({
  hosts: {
    web1: { transport: 'local' },
    web2: { transport: 'local' },
  },
  sites: {
    shop: {
      url: 'http://shop.example.com/',
      hosts: ['web1', 'web2'],
      services: [{ kind: 'systemd', unit: 'php8.2-fpm', hosts: ['web1'] }],
    },
  },
});

const playbook: Playbook = {
  id: 't',
  title: 't',
  description: '',
  checks: [
    { check: 'http-probe', on: 'all', params: {} },
    { check: 'systemd-unit', forEach: 'systemd', on: 'all', params: {} },
    { check: 'memory', on: 'all', params: {} },
  ],
};

const ok = (stdout: string): ExecResult => ({
  stdout,
  stderr: '',
  code: 0,
  signal: null,
  durationMs: 1,
  timedOut: false,
});
const meminfo = 'MemTotal: 1000000 kB\nMemAvailable: 500000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n';

function setup(behaviour: Record<string, (cmd: Command) => Promise<ExecResult>>) {
  const log: string[] = [];
  const transports: TransportFactory = {
    open(name): Transport {
      return {
        host: name,
        async exec(cmd: Command, _o: ExecOptions) {
          log.push(`${name}: ${toShell(cmd)}`);
          const b = behaviour[name];
          if (!b) throw new Error('no behaviour');
          return b(cmd);
        },
        async close() {},
      };
    },
  };
  const http: HttpProber = {
    async get() {
      log.push('probe');
      return { status: 502, durationMs: 3, server: 'nginx' };
    },
  };
  const catalog = new CheckCatalog(builtinChecks);
  const d = new Diagnoser(
    inventory,
    new Map([['t', playbook]]),
    catalog,
    {
      transports,
      http,
      clock: { now: () => new Date('2026-11-22T00:00:00Z') },
      logger: silentLogger,
      proposer: intentProposer,
    },
    () => 'r1',
  );
  return { d, log };
}

describe('Diagnoser / runPlaybook', () => {
  it('probes first, runs service checks only on their hosts, and reports progress', async () => {
    const { d, log } = setup({
      web1: async (cmd) =>
        ok(
          toShell(cmd).includes('systemctl')
            ? 'Id=php8.2-fpm.service\nActiveState=active\nSubState=running\nResult=success\nLoadState=loaded\n'
            : meminfo,
        ),
      web2: async () => ok(meminfo),
    });
    const events: ProgressEvent[] = [];
    const r = await d.diagnose('shop', { playbook: 't', onProgress: (e) => events.push(e) });
    expect(log[0]).toBe('probe');
    expect(log.filter((l) => l.includes('systemctl')).every((l) => l.startsWith('web1'))).toBe(true);
    expect(r.checks.map((c) => `${c.host}/${c.check}/${c.status}`)).toEqual([
      'medic/http-probe/critical',
      'web1/memory/ok',
      'web1/systemd-unit/ok',
      'web2/memory/ok',
    ]);
    expect(events[0]).toMatchObject({ type: 'run-started', total: 4 });
    expect(events.filter((e) => e.type === 'check-finished')).toHaveLength(4);
    expect(r.status).toBe('down');
    expect(r.id).toBe('r1');
  });

  it('turns a host-level transport failure into one host-unreachable finding and skips its checks', async () => {
    const { d } = setup({
      web1: async () => ok(meminfo),
      web2: async () => {
        throw new MedicError('transport.refused', 'connection refused by 10.0.0.6:22');
      },
    });
    const r = await d.diagnose('shop', { playbook: 't' });
    expect(r.findings.filter((f) => f.kind === 'host-unreachable')).toEqual([
      expect.objectContaining({
        host: 'web2',
        summary: 'cannot reach web2: connection refused by 10.0.0.6:22',
      }),
    ]);
    expect(r.checks.find((c) => c.host === 'web2')).toMatchObject({
      status: 'skipped',
      error: { code: 'transport.refused' },
    });
    expect(r.causes[0]?.id).toBe('host-unreachable');
  });

  it('a command that times out makes its check an error, with a safe message, not a crash', async () => {
    const { d } = setup({
      web1: async () => ({ ...ok(''), code: 124, timedOut: true }),
      web2: async () => {
        throw new Error('some library detail that must not reach chat');
      },
    });
    const r = await d.diagnose('shop', { playbook: 't' });
    const web1 = r.checks.filter((c) => c.host === 'web1');
    expect(web1.every((c) => c.status === 'error' && c.error?.code === 'check.timeout')).toBe(true);
    const web2 = r.checks.find((c) => c.host === 'web2');
    expect(web2?.error).toEqual({
      code: 'check.failed',
      message: 'unexpected internal error (details in the log)',
    });
    expect(JSON.stringify(r)).not.toContain('some library detail');
  });

  it('refuses unknown sites and playbooks with a coded error', async () => {
    const { d } = setup({});
    await expect(d.diagnose('nope')).rejects.toMatchObject({ code: 'site.unknown' });
    await expect(d.diagnose('shop', { playbook: 'nope' })).rejects.toMatchObject({
      code: 'playbook.unknown',
    });
  });
});
