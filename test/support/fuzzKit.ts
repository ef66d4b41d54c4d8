/**
 * The fuzz harness: the conversation core on an inventory of three sites, the real check
 * catalog and playbooks, transports that record every command and answer with verbatim
 * captures from test/fixtures (so the second, discovered phase runs too), a prober that says
 * 502. The lines come from hostileLines.ts.
 */
import { readFileSync } from 'node:fs';
import { builtinPlaybookDir, loadPlaybooks } from '../../src/config/loadPlaybooks.js';
import { builtinChecks } from '../../src/core/checks/builtinChecks.js';
import { CheckCatalog } from '../../src/core/checks/catalog.js';
import { type Command, toShell } from '../../src/core/command.js';
import { Conversation } from '../../src/core/conversation/conversation.js';
import { Diagnoser } from '../../src/core/engine/diagnoser.js';
import { planRun } from '../../src/core/engine/planRun.js';
import { runPlaybook } from '../../src/core/engine/runPlaybook.js';
import { type Inventory, inventorySchema, type SiteConfig } from '../../src/core/model/inventory.js';
import type { ExecResult, Transport, TransportFactory } from '../../src/core/ports.js';
import { silentLogger } from '../../src/core/ports.js';
import { intentProposer } from '../../src/core/remediation/intentProposer.js';
import { remediationPolicySchema } from '../../src/core/remediation/remediationPolicy.js';
import { Remediator } from '../../src/core/remediation/remediator.js';
import { harness } from '../unit/scheduler/fakes.js';
import { MemoryRemediationStore, MemoryReports } from './remediationKit.js';

export const inventory: Inventory = inventorySchema.parse({
  hosts: { web1: { transport: 'local' }, web2: { transport: 'local' } },
  sites: {
    shop: {
      url: 'http://127.0.0.1:8080/',
      hostHeader: 'shop.example.com',
      aliases: ['shop.example.com', 'www.shop.example.com'],
      hosts: ['web1'],
      services: [
        { kind: 'systemd', unit: 'php8.2-fpm' },
        {
          kind: 'php-fpm',
          unit: 'php8.2-fpm',
          socket: '/run/php/php8.2-fpm.sock',
          log: '/var/log/php8.2-fpm.log',
        },
        { kind: 'nginx' },
      ],
    },
    api: {
      url: 'https://api.example.com/',
      hosts: ['web1', 'web2'],
      gateway: ['web1'],
      upstreams: [{ url: 'http://10.0.0.6:8080/', host: 'web2' }],
      services: [
        { kind: 'docker', container: 'api-web', port: 8080, hosts: ['web2'] },
        { kind: 'pm2', app: 'api', user: 'deploy', hosts: ['web2'] },
      ],
    },
    blog: { url: 'http://blog.example.org/', hosts: ['web2'], playbook: 'health' },
  },
});

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
/** What a fleet host (php-fpm stopped) answers, by command; anything else: no output, exit 0. */
const answers: Array<[RegExp, string, 'stdout' | 'stderr', number?]> = [
  [/^nginx -T$/, 'nginx-config/fleet.dump.stdout.txt', 'stdout'],
  [/^nginx -t$/, 'nginx-config/test-ok.stderr.txt', 'stderr'],
  [/^ss -ltnpH$/, 'listening-sockets/fleet-ss-ltnpH.txt', 'stdout'],
  [/^ss -lxpH$/, 'listening-sockets/fleet-ss-lxpH.txt', 'stdout'],
  [/^ps -ww /, 'listening-sockets/fleet-ps.txt', 'stdout'],
  [/\/proc\/\[0-9\]\*\/cgroup$/, 'listening-sockets/fleet-cgroup.txt', 'stdout'],
  [/^ip -o addr/, 'listening-sockets/fleet-ip-addr.txt', 'stdout'],
  [/^cat \/proc\/meminfo$/, 'memory/meminfo.txt', 'stdout'],
  [/^df -PB1/, 'disk/ok.df-PB1.txt', 'stdout'],
  [/^df -Pi/, 'disk/ok.df-Pi.txt', 'stdout'],
  [/^systemctl show .*php8\.2-fpm/, 'php-fpm/show-failed.txt', 'stdout'],
  [/nginx\/error\.log$/, 'nginx-errors/debian-enoent.txt', 'stdout'],
];
const cache = new Map<string, string>();

/** Transports that record `host<TAB>command line` and answer from the fixtures above. */
export class FixtureTransports implements TransportFactory {
  readonly ran: string[] = [];
  open(name: string): Transport {
    return {
      host: name,
      exec: async (cmd: Command): Promise<ExecResult> => {
        const line = toShell(cmd);
        this.ran.push(`${name}\t${line}`);
        const hit = answers.find(([re]) => re.test(line));
        const text = hit ? (cache.get(hit[1]) ?? cache.set(hit[1], fixture(hit[1])).get(hit[1]) ?? '') : '';
        return {
          stdout: hit?.[2] === 'stdout' ? text : '',
          stderr: hit?.[2] === 'stderr' ? text : '',
          code: 0,
          signal: null,
          durationMs: 1,
          timedOut: false,
        };
      },
      close: async () => {},
    };
  }
}

const catalog = new CheckCatalog(builtinChecks);
export const playbooks = loadPlaybooks([builtinPlaybookDir], catalog);
const now = new Date('2026-11-22T10:00:00Z');

function deps(transports: TransportFactory) {
  return {
    transports,
    http: {
      get: async () => ({ status: 502, durationMs: 1, server: 'nginx', bodySnippet: '502 Bad Gateway' }),
    },
    containers: {
      open: () =>
        ({
          list: async () => [],
          oomEvents: async () => 0,
        }) as never,
    },
    clock: { now: () => now },
    logger: silentLogger,
    sleep: () => new Promise<void>((r) => setImmediate(r)),
  };
}

/** The conversation as `medic serve` builds it, on fakes; `ran` is every command sent to a host. */
export function fuzzMedic() {
  const transports = new FixtureTransports();
  const reports = new MemoryReports();
  const d = deps(transports);
  const diagnoser = new Diagnoser(
    inventory,
    playbooks,
    catalog,
    { ...d, proposer: intentProposer },
    undefined,
    reports,
  );
  let seq = 0;
  const remediator = new Remediator({
    ...d,
    inventory,
    policy: remediationPolicySchema.parse({ approvers: [{ users: ['UAPPROVER1'] }] }),
    store: new MemoryRemediationStore(),
    reports,
    diagnose: (site, origin, playbook) =>
      diagnoser.diagnose(site, { origin, ...(playbook ? { playbook } : {}) }),
    sleep: async () => {},
    newId: () => `pending-${++seq}`,
  });
  const { scheduler } = harness(now.toISOString());
  const conversation = new Conversation(
    inventory,
    playbooks,
    diagnoser,
    silentLogger,
    reports,
    remediator,
    scheduler,
    d.clock,
  );
  return { conversation, ran: transports.ran, scheduler };
}

/** Every `host<TAB>command` a playbook's checks define for a site: phase one, then the discovered phase. */
export async function allowedCommands(): Promise<Set<string>> {
  const allowed = new Set<string>();
  const add = (site: string, config: SiteConfig, tasks: ReturnType<typeof planRun>) => {
    for (const t of tasks) {
      if (t.check.scope !== 'host') continue;
      for (const step of t.check.steps(t.params, { host: t.host, siteName: site, site: config, now }))
        allowed.add(`${t.host}\t${toShell(step.command)}`);
    }
  };
  for (const [name, site] of Object.entries(inventory.sites)) {
    for (const pb of playbooks.values()) {
      const tasks = planRun(pb, site, catalog);
      add(name, site, tasks);
      const replan = (known: SiteConfig) => planRun(pb, known, catalog);
      const run = await runPlaybook(
        { siteName: name, site, hosts: inventory.hosts, tasks, replan },
        deps(new FixtureTransports()),
      );
      add(name, run.site, replan(run.site));
    }
  }
  return allowed;
}
