import type { Finding } from '../model/finding.js';
import type { ExecResult } from '../ports.js';
import type { Find } from './check.js';

/** The first non-blank lines of a text, trimmed at the end, for evidence. */
export function firstLines(text: string, n = 5): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(0, n);
}

/** True when the shell (or sudo) could not find the tool: exit 127 or "not found" with no output. */
export function toolMissing(out: ExecResult): boolean {
  if (out.code === 127) return true;
  return out.stdout.trim() === '' && /command not found|: not found/i.test(out.stderr);
}

/**
 * The finding for a step that gave nothing to parse: `tool-missing` (info) when the tool is
 * not installed, `unparseable` (warn) when it failed without output. Undefined when the step
 * produced output worth parsing.
 */
export function stepFailure(f: Find, out: ExecResult, tool: string, label: string): Finding | undefined {
  if (toolMissing(out)) {
    return f(
      'tool-missing',
      'info',
      `${tool} is not installed, cannot check ${label}`,
      firstLines(out.stderr, 2),
      {
        tool,
      },
    );
  }
  if (out.stdout.trim() === '' && (out.code !== 0 || out.timedOut)) {
    const why = out.timedOut ? 'timed out' : `failed (exit ${out.code ?? out.signal ?? 'unknown'})`;
    return f('unparseable', 'warn', `${tool} ${why}, cannot check ${label}`, firstLines(out.stderr, 5), {
      tool,
      code: out.code,
    });
  }
  return undefined;
}

/** The `unparseable` finding for output that makes no sense. */
export function unparseable(f: Find, tool: string, label: string, text: string): Finding {
  return f(
    'unparseable',
    'warn',
    `could not make sense of ${tool} output, cannot check ${label}`,
    firstLines(text),
    {
      tool,
    },
  );
}
