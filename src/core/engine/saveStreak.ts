import { type StoreProblem, storeProblemText } from '../model/storeProblem.js';
import type { Logger } from '../ports.js';

/**
 * Store failures in the log once per streak: the first report that cannot be saved is an error
 * naming the reason, the next ones with the same reason are debug lines, and the first save
 * that works again says how many were lost. A different reason starts a new streak.
 */
export class SaveStreak {
  private streak: { kind: StoreProblem['kind']; lost: number } | undefined;

  constructor(private readonly logger: Logger) {}

  failed(problem: StoreProblem, err: unknown, report: string): void {
    if (this.streak?.kind === problem.kind) {
      this.streak.lost++;
      this.logger.debug({ report, problem: problem.kind }, 'report not saved (same reason as before)');
      return;
    }
    this.streak = { kind: problem.kind, lost: 1 };
    this.logger.error(
      { err, report, problem: problem.kind, path: problem.path, detail: problem.detail },
      `reports are not saved: ${storeProblemText(problem)} (said once until it changes)`,
    );
  }

  saved(): void {
    if (!this.streak) return;
    this.logger.info({ lost: this.streak.lost, problem: this.streak.kind }, 'reports are saved again');
    this.streak = undefined;
  }
}
