/** How bad one observation is. `ok` findings are kept: they make the per-check table and rule out causes. */
export type Severity = 'ok' | 'info' | 'warn' | 'critical';

export const severityRank: Record<Severity, number> = { ok: 0, info: 1, warn: 2, critical: 3 };

/**
 * One observation made by a check on one host. `data` carries the structured facts the
 * diagnosis rules read; `evidence` carries the verbatim lines a human reads.
 */
export interface Finding {
  check: string;
  host: string;
  severity: Severity;
  summary: string;
  evidence: string[];
  /** Stable machine-readable kind of observation, e.g. `unit-state`, `nginx-upstream-error`. */
  kind: string;
  data: Record<string, unknown>;
}
