/** Facts every check may report about itself: what it could not look at, and why. */

/** The tool a step needs is not installed on the host. */
export interface ToolMissingFact {
  tool: string;
}

/** A tool answered, but not in a form Medic understands (or failed without output). */
export interface UnparseableFact {
  tool: string;
  code?: number | null;
  name?: string;
  exitCode?: number | null;
  /** The probed URL, for a probe whose answer was not understood. */
  url?: string;
  upstreamHost?: string;
}

/** A log or source file Medic was told to read does not exist, or may not be read. */
export interface SourceFact {
  /** The path of the log, when the source is a file. */
  errorLog?: string;
  log?: string;
}

/** The check itself failed (transport error, timeout, a step without output). */
export interface CheckErrorFact {
  code: string;
}

/** Medic cannot reach the host at all (refused, timed out, host key, auth). */
export interface HostUnreachableFact {
  code: string;
}
