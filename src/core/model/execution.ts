/** One step of an action as it ran: the line people read, its exit code and (redacted) output. */
export interface StepResult {
  display: string;
  code: number | null;
  durationMs: number;
  output: string;
}

/** How an action's steps ran, in order; the first failure stops the rest. */
export interface Execution {
  ok: boolean;
  steps: StepResult[];
  durationMs: number;
  /** Why it stopped, when a step threw (transport, engine) rather than exiting non-zero. */
  error?: { code: string; message: string };
}
