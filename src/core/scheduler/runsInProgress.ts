/** One run in progress. */
export interface RunInProgress {
  done: Promise<void>;
  /** Wall time the run started (ms). */
  startedAt: number;
  /** A slow-run event was said for this run. */
  slowReported: boolean;
}

/**
 * Runs in progress per schedule id, kept apart from the schedule entries: a schedule removed
 * and added again while it runs still has that one run (no overlap), and stop() waits for it.
 */
export class RunsInProgress {
  private readonly runs = new Map<string, RunInProgress>();

  get(id: string): RunInProgress | undefined {
    return this.runs.get(id);
  }

  has(id: string): boolean {
    return this.runs.has(id);
  }

  /** Start `execute` as the run of `id` (the caller checked none is going). */
  start(id: string, startedAt: number, execute: () => Promise<void>): Promise<void> {
    const run: RunInProgress = { done: Promise.resolve(), startedAt, slowReported: false };
    run.done = execute().finally(() => {
      if (this.runs.get(id) === run) this.runs.delete(id);
    });
    this.runs.set(id, run);
    return run.done;
  }

  /** Resolves once no run is in progress (runs started meanwhile included). */
  async settled(): Promise<void> {
    while (this.runs.size > 0) await Promise.allSettled([...this.runs.values()].map((r) => r.done));
  }
}
