/**
 * runPlaybook starts each host's discovered checks as soon as that host has answered, and reads
 * the logs again when they were read before the site's first probe answered.
 */
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../../src/core/checks/builtinChecks.js';
import { CheckCatalog } from '../../../src/core/checks/catalog.js';
import { type Command, toShell } from '../../../src/core/command.js';
import { planRun } from '../../../src/core/engine/planRun.js';
import { FIRST_PROBE_WAIT_MS, type RunDeps, runPlaybook } from '../../../src/core/engine/runPlaybook.js';
import { inventorySchema } from '../../../src/core/model/inventory.js';
import type { Playbook } from '../../../src/core/playbooks/playbook.js';
import type { ExecResult, HttpProber, TransportFactory } from '../../../src/core/ports.js';
import { silentLogger } from '../../../src/core/ports.js';

const inventory = inventorySchema.parse({
  hosts: { web1: { transport: 'local' }, web2: { transport: 'local' } },
  sites: { shop: { url: 'http://shop.example.com/', hosts: ['web1', 'web2'] } },
});
const site = inventory.sites.shop as NonNullable<typeof inventory.sites.shop>;
const catalog = new CheckCatalog(builtinChecks);
const playbook = (...checks: string[]): Playbook => ({
  id: 't',
  title: 't',
  description: '',
  checks: checks.map((check) => ({ check, on: 'all' as const, params: {} })),
});
const ok = (stdout: string): ExecResult => ({
  stdout,
  stderr: '',
  code: 0,
  signal: null,
  durationMs: 1,
  timedOut: false,
});
const meminfo = 'MemTotal: 1000000 kB\nMemAvailable: 500000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n';

function deps(exec: (host: string, cmd: Command) => Promise<ExecResult>, http: HttpProber): RunDeps {
  const transports: TransportFactory = {
    open: (name) => ({ host: name, exec: (cmd) => exec(name, cmd), close: async () => {} }),
  };
  return {
    transports,
    http,
    clock: { now: () => new Date('2026-12-01T00:00:00Z') },
    logger: silentLogger,
    // The wait for the first probe ends at once; the probes' own pauses are short.
    sleep: (ms) => new Promise((r) => setTimeout(r, ms === FIRST_PROBE_WAIT_MS ? 0 : 5)),
  };
}
const answering: HttpProber = { get: async () => ({ status: 200, durationMs: 1, server: 'nginx' }) };

describe('runPlaybook: no host waits for another', () => {
  it("a slow host does not hold back another host's discovered checks", async () => {
    const log: string[] = [];
    let releasedBy = '';
    let release!: (by: string) => void;
    const web2Answers = new Promise<void>((r) => {
      release = (by) => {
        releasedBy ||= by;
        r();
      };
    });
    const backstop = setTimeout(() => release('timer'), 3000);
    const exec = async (host: string, cmd: Command) => {
      const line = toShell(cmd);
      log.push(`${host}: ${line}`);
      if (host === 'web1' && /\bdf\b/.test(line)) release('web1 discovered check');
      if (host === 'web2') await web2Answers;
      return ok(/meminfo/.test(line) ? meminfo : '');
    };
    const r = await runPlaybook(
      {
        siteName: 'shop',
        site,
        hosts: inventory.hosts,
        tasks: planRun(playbook('memory'), site, catalog),
        replan: (known) => planRun(playbook('memory', 'disk'), known, catalog),
      },
      deps(exec, answering),
    );
    clearTimeout(backstop);
    // web1's second-phase check ran while web2 had not answered its first.
    expect(releasedBy).toBe('web1 discovered check');
    expect(r.checks.map((c) => `${c.host}/${c.check}`).sort()).toEqual([
      'web1/disk',
      'web1/memory',
      'web2/disk',
      'web2/memory',
    ]);
  });

  it('a log read before the first probe answered is read again after it', async () => {
    const log: string[] = [];
    let logRead!: () => void;
    const readOnce = new Promise<void>((r) => {
      logRead = r;
    });
    const http: HttpProber = {
      async get() {
        await readOnce; // the probe answers only after the log was read once
        log.push('probe answered');
        return { status: 502, durationMs: 1, server: 'nginx' };
      },
    };
    const exec = async (host: string, cmd: Command) => {
      const line = toShell(cmd);
      if (/error\.log/.test(line)) {
        log.push(`${host}: reads the error log`);
        logRead();
      }
      return ok('');
    };
    const single = { ...site, hosts: ['web1'] };
    await runPlaybook(
      {
        siteName: 'shop',
        site: single,
        hosts: inventory.hosts,
        tasks: planRun(playbook('http-probe', 'nginx-errors'), single, catalog),
      },
      deps(exec, http),
    );
    expect(log.slice(0, 3)).toEqual([
      'web1: reads the error log',
      'probe answered',
      'web1: reads the error log',
    ]);
  });
});

describe('runPlaybook: a re-parse for the site as discovered', () => {
  it('keeps a step that timed out as a blind spot: the check stays an error, not ok', async () => {
    const exec = async (_host: string, cmd: Command) => {
      const line = toShell(cmd);
      // `systemctl show` of the units that do not run hangs; the unit list answers.
      if (/UnitFileState/.test(line)) return { ...ok(''), code: 124, timedOut: true };
      return ok('');
    };
    const single = { ...site, hosts: ['web1'] };
    const plan = () => planRun(playbook('service-units'), single, catalog);
    const r = await runPlaybook(
      { siteName: 'shop', site: single, hosts: inventory.hosts, tasks: plan(), replan: plan },
      deps(exec, answering),
    );
    expect(r.checks).toEqual([
      expect.objectContaining({
        check: 'service-units',
        status: 'error',
        error: { code: 'check.blind', message: 'service-units on web1: enabled timed out' },
      }),
    ]);
    expect(r.findings.filter((f) => f.kind === 'check-error')).toHaveLength(1);
  });
});
