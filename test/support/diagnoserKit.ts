/** A Diagnoser on fakes for unit tests: one site on two hosts, a memory check each, a store to script. */
import { builtinChecks } from '../../src/core/checks/builtinChecks.js';
import { CheckCatalog } from '../../src/core/checks/catalog.js';
import { Diagnoser } from '../../src/core/engine/diagnoser.js';
import { type Inventory, inventorySchema } from '../../src/core/model/inventory.js';
import type { Report } from '../../src/core/model/report.js';
import type { RunRecord } from '../../src/core/model/runRecord.js';
import type { Playbook } from '../../src/core/playbooks/playbook.js';
import type {
  ExecOptions,
  ExecResult,
  Logger,
  RunOrigin,
  Store,
  Transport,
  TransportFactory,
} from '../../src/core/ports.js';
import { intentProposer } from '../../src/core/remediation/intentProposer.js';

export const inventory: Inventory = inventorySchema.parse({
  hosts: { web1: { transport: 'local' }, web2: { transport: 'local' } },
  sites: { shop: { url: 'http://shop.example.com/', hosts: ['web1', 'web2'] } },
});

export const playbook: Playbook = {
  id: 'mem',
  title: 'memory',
  description: '',
  checks: [{ check: 'memory', on: 'all', params: {} }],
};

const meminfo = 'MemTotal: 1000000 kB\nMemAvailable: 500000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n';
export const answer = (): ExecResult => ({
  stdout: meminfo,
  stderr: '',
  code: 0,
  signal: null,
  durationMs: 1,
  timedOut: false,
});

/** Every log call, as `level message`. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (_o: object, msg?: string) => {
    lines.push(`${level} ${msg ?? ''}`);
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A store in memory whose saves can be made to fail. */
export class ScriptedStore implements Store {
  readonly reports: Report[] = [];
  readonly runs: RunRecord[] = [];
  /** The next saves throw these, in order (undefined: succeed). */
  failures: unknown[] = [];

  async saveReport(report: Report, _origin: RunOrigin): Promise<void> {
    const fail = this.failures.shift();
    if (fail) throw fail;
    this.reports.push(report);
  }
  async saveRun(run: RunRecord): Promise<void> {
    this.runs.push(run);
  }
  async getReport(id: string) {
    return this.reports.find((r) => r.id === id);
  }
  async history() {
    return [];
  }
  async latestPerSite() {
    return [];
  }
  async close() {}
}

/** Transports whose web2 answers only when `release()` is called, or never (until aborted). */
export function heldTransports(): TransportFactory & {
  release(): void;
  execs: ExecOptions[];
  closed: string[];
} {
  const waiting: Array<() => void> = [];
  const execs: ExecOptions[] = [];
  const closed: string[] = [];
  return {
    execs,
    closed,
    release: () => {
      for (const w of waiting.splice(0)) w();
    },
    open(name: string): Transport {
      return {
        host: name,
        exec(_cmd, o) {
          execs.push(o);
          if (name !== 'web2') return Promise.resolve(answer());
          return new Promise((resolve, reject) => {
            waiting.push(() => resolve(answer()));
            o.signal?.addEventListener('abort', () =>
              reject(Object.assign(new Error('aborted'), { code: 'x' })),
            );
          });
        },
        async close() {
          closed.push(name);
        },
      };
    },
  };
}

export function diagnoser(o: { store?: Store; logger?: Logger; transports?: TransportFactory } = {}) {
  let n = 0;
  return new Diagnoser(
    inventory,
    new Map([['mem', playbook]]),
    new CheckCatalog(builtinChecks),
    {
      transports: o.transports ?? {
        open: (host) => ({ host, exec: async () => answer(), close: async () => {} }),
      },
      http: { get: async () => ({ status: 200, durationMs: 1 }) },
      clock: { now: () => new Date('2026-11-22T00:00:00Z') },
      logger: o.logger ?? recordingLogger(),
      proposer: intentProposer,
    },
    () => `r${++n}`,
    o.store,
  );
}
