import { MedicError } from '../errors.js';
import type { RunRecord } from '../model/runRecord.js';
import type { RunOrigin } from '../ports.js';

/** The error of a diagnosis Medic stopped before it could finish (or did not start). */
export const INTERRUPTED = 'diagnose.interrupted';

/** A diagnosis under way, as shutdown sees it. */
export interface RunningDiagnosis {
  id: string;
  site: string;
  playbook: string;
  origin: RunOrigin;
  startedAt: string;
  /** Checks finished, of how many planned (updated by its progress events). */
  done: number;
  total: number;
}

interface Entry {
  run: RunningDiagnosis;
  /** Still collecting: a run already building its report is left to finish. */
  collecting: boolean;
  settled: Promise<void>;
  interrupt(err: MedicError): void;
}

/**
 * The diagnoses under way: shutdown waits for them (`drain`), and interrupts those still
 * collecting when the drain time is up: each one's `interrupted` promise rejects with
 * INTERRUPTED, and it is handed back to be recorded.
 */
export class RunningDiagnoses {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  /** Register a run; `interrupted` rejects if it is interrupted, `concluding()` marks it past collecting. */
  add(run: RunningDiagnosis): { interrupted: Promise<never>; concluding(): void; finished(): void } {
    let interrupt!: (err: MedicError) => void;
    const interrupted = new Promise<never>((_, reject) => {
      interrupt = reject;
    });
    interrupted.catch(() => undefined); // a run that ended first never looks at it
    let finish!: () => void;
    const settled = new Promise<void>((r) => {
      finish = r;
    });
    const entry: Entry = { run, collecting: true, settled, interrupt };
    this.entries.set(run.id, entry);
    return {
      interrupted,
      concluding: () => {
        entry.collecting = false;
      },
      finished: () => {
        this.entries.delete(run.id);
        finish();
      },
    };
  }

  /** Wait for the runs under way, at most `timeoutMs`; true when none is left. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const all = Promise.all([...this.entries.values()].map((e) => e.settled)).then(() => true);
    const late = new Promise<false>((r) => {
      timer = setTimeout(() => r(false), timeoutMs);
    });
    try {
      return (await Promise.race([all, late])) && this.entries.size === 0;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Interrupt every run still collecting; returns their records (state `interrupted`). */
  interruptAll(endedAt: string): RunRecord[] {
    const out: RunRecord[] = [];
    for (const e of this.entries.values()) {
      if (!e.collecting) continue;
      e.collecting = false;
      const { run } = e;
      e.interrupt(
        new MedicError(
          INTERRUPTED,
          `Diagnosis of ${run.site} interrupted by shutdown after ${run.done}/${run.total} checks: nothing was concluded. Ask again when Medic is back.`,
        ),
      );
      out.push({
        id: run.id,
        site: run.site,
        playbook: run.playbook,
        state: 'interrupted',
        reason: 'shutdown',
        startedAt: run.startedAt,
        endedAt,
        checksDone: run.done,
        checksTotal: run.total,
        origin: run.origin,
      });
    }
    return out;
  }
}
