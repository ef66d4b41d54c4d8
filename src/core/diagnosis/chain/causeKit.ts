import type { ActionIntent } from '../../model/action.js';
import type { CauseId, DiagnosedCause } from '../../model/cause.js';
import type { Finding } from '../../model/finding.js';
import { clamp } from '../rule.js';

/** How sure a hop's verdict is, by what backs it. */
export const confidence = {
  /** The hop is broken and the gateway's own lines (or a direct probe) name it. */
  decisive: 0.93,
  /** The hop is broken and the site fails through it. */
  failing: 0.82,
  /** Broken, but nothing fails through it right now (a route nobody used, or a standby). */
  latent: 0.45,
} as const;

/** The confidence of a broken hop: decisive with symptoms, else by whether the site fails through it. */
export function hopConfidence(symptoms: number, failingThrough: boolean, bonus = 0): number {
  return clamp(
    (symptoms > 0 ? confidence.decisive : failingThrough ? confidence.failing : confidence.latent) + bonus,
  );
}

/** Unique evidence lines, in order: the findings' own lines, then extra lines, at most `max`. */
export function lines(findings: Finding[], extra: string[] = [], max = 8): string[] {
  return [...new Set([...findings.flatMap((f) => f.evidence), ...extra])].filter(Boolean).slice(0, max);
}

export function makeCause(
  id: CauseId,
  title: string,
  conf: number,
  evidence: string[],
  hosts: string[],
  intents: ActionIntent[] = [],
): DiagnosedCause {
  return {
    id,
    title,
    confidence: clamp(conf),
    evidence: evidence.slice(0, 10),
    hosts: [...new Set(hosts)],
    intents,
  };
}

/** A manual step (Medic never edits config): what to change, then how to check and apply it. */
export function manualFix(
  host: string,
  key: string,
  title: string,
  steps: string[],
  target = 'nginx',
): ActionIntent {
  return {
    manual: true,
    id: `edit-config:${host}:${key}`,
    kind: 'edit-config',
    host,
    target,
    title,
    steps,
    risk: 'config',
  };
}

/**
 * A logged time as naive milliseconds (read as if UTC) for ordering lines of one host: nginx's
 * `2026/12/02 16:01:09`, systemd's `Wed 2026-12-02 16:01:09 UTC`, journal ISO times.
 */
export function naiveTime(text: string): number {
  const m = /(\d{4})[-/](\d\d)[-/](\d\d)[ T](\d\d):(\d\d):(\d\d)/.exec(text);
  return m
    ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
    : Number.NaN;
}
