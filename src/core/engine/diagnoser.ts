import { randomUUID } from 'node:crypto';
import type { CheckCatalog } from '../checks/catalog.js';
import { MedicError } from '../errors.js';
import type { Inventory, SiteConfig } from '../model/inventory.js';
import type { ProgressListener } from '../model/progress.js';
import type { Report } from '../model/report.js';
import type { RunRecord } from '../model/runRecord.js';
import { isStoreError, type StoreProblem } from '../model/storeProblem.js';
import type { Playbook } from '../playbooks/playbook.js';
import type { RunOrigin, Store } from '../ports.js';
import type { ActionProposer } from './actionProposer.js';
import { buildReport } from './buildReport.js';
import { type CheckTask, planRun } from './planRun.js';
import { INTERRUPTED, RunningDiagnoses, type RunningDiagnosis } from './runningDiagnoses.js';
import { type RunDeps, runPlaybook } from './runPlaybook.js';
import { SaveStreak } from './saveStreak.js';

/**
 * Runs a site's playbook and returns the report: the one entry point every adapter calls.
 * Shutdown waits for the runs under way (`running`) and interrupts what is left (`interrupt`).
 */
export class Diagnoser {
  private readonly streak: SaveStreak;
  readonly running = new RunningDiagnoses();
  private stopped = false;

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
    if (this.stopped) {
      throw new MedicError(
        INTERRUPTED,
        `Medic is shutting down: ${siteName} was not diagnosed. Ask again when it is back.`,
      );
    }
    const startedAt = this.deps.clock.now();
    const entry: RunningDiagnosis = {
      id: this.newId(),
      site: siteName,
      playbook: playbook.id,
      origin: opts.origin ?? { trigger: 'cli' },
      startedAt: startedAt.toISOString(),
      done: 0,
      total: tasks.length,
    };
    let cut = false;
    const onProgress: ProgressListener = (e) => {
      if (cut) return; // interrupted: what the run does until its transports close is nobody's news
      if (e.type === 'check-finished') entry.done = e.done;
      if (e.type === 'check-finished' || e.type === 'checks-added') entry.total = e.total;
      opts.onProgress?.(e);
    };
    const handle = this.running.add(entry);
    handle.interrupted.catch(() => {
      cut = true;
    });
    try {
      return await this.run(site, playbook, tasks, {
        entry,
        startedAt,
        t0: Date.now(),
        onProgress,
        handle,
        discover: opts.discover !== false,
      });
    } finally {
      handle.finished();
    }
  }

  /**
   * Stop: no new diagnosis starts, those still collecting end now (their callers get
   * INTERRUPTED), and each is stored as an interrupted run. Their transports are closed by
   * whoever owns them (shutdown). Returns what was interrupted.
   */
  async interrupt(): Promise<RunRecord[]> {
    this.stopped = true;
    const runs = this.running.interruptAll(this.deps.clock.now().toISOString());
    for (const run of runs) {
      await this.store?.saveRun?.(run).catch((err) => {
        this.deps.logger.error({ err, run: run.id }, 'could not store the interrupted run');
      });
    }
    return runs;
  }

  private async run(
    site: SiteConfig,
    playbook: Playbook,
    tasks: CheckTask[],
    r: {
      entry: RunningDiagnosis;
      startedAt: Date;
      t0: number;
      onProgress: ProgressListener;
      handle: ReturnType<RunningDiagnoses['add']>;
      discover: boolean;
    },
  ): Promise<Report> {
    const { startedAt, t0, onProgress } = r;
    const siteName = r.entry.site;
    onProgress({
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
    const collecting = runPlaybook(
      {
        siteName,
        site,
        hosts: this.inventory.hosts,
        tasks,
        ...(!r.discover ? {} : { replan: (known: SiteConfig) => planRun(playbook, known, this.catalog) }),
      },
      this.deps,
      onProgress,
    );
    // Interrupted: the caller hears it now; the run ends when shutdown closes its transports.
    collecting.catch(() => undefined);
    const run = await Promise.race([collecting, r.handle.interrupted]);
    r.handle.concluding();
    const report = buildReport({
      id: r.entry.id,
      siteName,
      site,
      playbook: playbook.id,
      startedAt,
      durationMs: Date.now() - t0,
      run,
      proposer: this.deps.proposer,
    });
    const problem = await this.save(report, r.entry.origin);
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
