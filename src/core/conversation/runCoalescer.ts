import type { ProgressEvent, ProgressListener } from '../model/progress.js';
import type { Report } from '../model/report.js';

interface Running {
  promise: Promise<Report>;
  listeners: Set<ProgressListener>;
  history: ProgressEvent[];
}

/**
 * One run per site at a time: a second request for a site that is being diagnosed joins the
 * running triage (and its progress) instead of starting another.
 */
export class RunCoalescer {
  private readonly running = new Map<string, Running>();

  /** `joined` says whether this caller joined a run already in progress. */
  run(
    key: string,
    start: (onProgress: ProgressListener) => Promise<Report>,
    onProgress?: ProgressListener,
  ): { report: Promise<Report>; joined: boolean } {
    const existing = this.running.get(key);
    if (existing) {
      if (onProgress) {
        for (const e of existing.history) onProgress(e);
        existing.listeners.add(onProgress);
      }
      return { report: existing.promise, joined: true };
    }
    const entry: Running = {
      promise: Promise.resolve(undefined as never),
      listeners: new Set(),
      history: [],
    };
    if (onProgress) entry.listeners.add(onProgress);
    const fanOut: ProgressListener = (e) => {
      entry.history.push(e);
      for (const l of entry.listeners) l(e);
    };
    entry.promise = start(fanOut).finally(() => this.running.delete(key));
    this.running.set(key, entry);
    return { report: entry.promise, joined: false };
  }

  inProgress(): string[] {
    return [...this.running.keys()];
  }
}
