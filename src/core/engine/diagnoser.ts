import { randomUUID } from 'node:crypto';
import type { CheckCatalog } from '../checks/catalog.js';
import { MedicError } from '../errors.js';
import type { Inventory, SiteConfig } from '../model/inventory.js';
import type { ProgressListener } from '../model/progress.js';
import type { Report } from '../model/report.js';
import { isStoreError, type StoreProblem } from '../model/storeProblem.js';
import type { Playbook } from '../playbooks/playbook.js';
import type { RunOrigin, Store } from '../ports.js';
import type { ActionProposer } from './actionProposer.js';
import { buildReport } from './buildReport.js';
import { planRun } from './planRun.js';
import { type RunDeps, runPlaybook } from './runPlaybook.js';
import { SaveStreak } from './saveStreak.js';

/** Runs a site's playbook and returns the report: the one entry point every adapter calls. */
export class Diagnoser {
  private readonly streak: SaveStreak;

  constructor(
    private readonly inventory: Inventory,
    private readonly playbooks: ReadonlyMap<string, Playbook>,
    private readonly catalog: CheckCatalog,
    private readonly deps: RunDeps & { proposer: ActionProposer },
    private readonly newId: () => string = randomUUID,
    private readonly store?: Store,
  ) {
    this.streak = new SaveStreak(deps.logger);
  }

  playbook(id: string): Playbook {
    const p = this.playbooks.get(id);
    if (!p)
      throw new MedicError(
        'playbook.unknown',
        `no playbook "${id}" (have: ${[...this.playbooks.keys()].join(', ')})`,
      );
    return p;
  }

  async diagnose(
    siteName: string,
    opts: {
      playbook?: string;
      onProgress?: ProgressListener;
      origin?: RunOrigin;
      /** Follow only what the site declares, without the second phase (benchmarks compare both). */
      discover?: boolean;
    } = {},
  ): Promise<Report> {
    const site = this.inventory.sites[siteName];
    if (!site) throw new MedicError('site.unknown', `no site "${siteName}" in the inventory`);
    const playbook = this.playbook(opts.playbook ?? site.playbook);
    const tasks = planRun(playbook, site, this.catalog);
    const startedAt = this.deps.clock.now();
    const t0 = Date.now();
    opts.onProgress?.({
      type: 'run-started',
      site: siteName,
      playbook: playbook.id,
      hosts: [...new Set(tasks.map((t) => t.host))],
      total: tasks.length,
      perHost: tasks.reduce<Record<string, number>>((acc, t) => {
        acc[t.host] = (acc[t.host] ?? 0) + 1;
        return acc;
      }, {}),
    });
    const run = await runPlaybook(
      {
        siteName,
        site,
        hosts: this.inventory.hosts,
        tasks,
        ...(opts.discover === false
          ? {}
          : { replan: (known: SiteConfig) => planRun(playbook, known, this.catalog) }),
      },
      this.deps,
      opts.onProgress,
    );
    const report = buildReport({
      id: this.newId(),
      siteName,
      site,
      playbook: playbook.id,
      startedAt,
      durationMs: Date.now() - t0,
      run,
      proposer: this.deps.proposer,
    });
    const problem = await this.save(report, opts.origin ?? { trigger: 'cli' });
    return problem ? { ...report, notSaved: problem } : report;
  }

  /** Store the report; what went wrong is logged once per streak and returned for the reply. */
  private async save(report: Report, origin: RunOrigin): Promise<StoreProblem | undefined> {
    if (!this.store) return undefined;
    try {
      await this.store.saveReport(report, origin);
      this.streak.saved();
      return undefined;
    } catch (err) {
      const problem: StoreProblem = isStoreError(err)
        ? err.problem
        : { kind: 'other', path: '', detail: err instanceof Error ? err.message : String(err) };
      this.streak.failed(problem, err, report.id);
      return problem;
    }
  }
}
