import type { CheckRun } from './report.js';

/** Events a run emits while it goes, so chat adapters can show live progress. */
export type ProgressEvent =
  | {
      type: 'run-started';
      site: string;
      playbook: string;
      hosts: string[];
      total: number;
      /** Checks per host, for a progress line per host. */
      perHost: Record<string, number>;
    }
  /** The topology revealed more to check: `perHost` counts the added checks. */
  | { type: 'checks-added'; total: number; perHost: Record<string, number> }
  | { type: 'check-finished'; run: CheckRun; done: number; total: number }
  | { type: 'host-failed'; host: string; code: string; message: string };

export type ProgressListener = (event: ProgressEvent) => void;
