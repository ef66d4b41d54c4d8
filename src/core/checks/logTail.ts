import { argv } from '../command.js';
import type { SourceFact } from '../model/facts/common.js';
import type { Finding } from '../model/finding.js';
import type { CheckStep, finder, StepOutputs } from './check.js';
import { stepOutput } from './check.js';
import { nginxTime } from './parseNginxErrorLog.js';
import { firstLines, stepFailure, toolMissing, unparseable } from './stepFailure.js';

/**
 * The two steps of reading a log's tail: the lines (`tail`, privileged: a single command sudoers
 * can allow) and the host's clock (`date`, unprivileged), against which the window is measured.
 */
export function logTailSteps(tailId: string, path: string, lines: number): CheckStep[] {
  return [
    { id: 'now', command: argv('date', '+%Y/%m/%d %H:%M:%S') },
    { id: tailId, command: argv('tail', '-n', String(lines), '--', path), privileged: true },
  ];
}

/**
 * The non-empty lines of the tail and the host's now (ms, and the line it came from), or the one finding that says why the
 * log could not be read: tail or date missing or failing, the file missing or unreadable.
 */
export function readLogTail(
  f: ReturnType<typeof finder>,
  outputs: StepOutputs,
  o: {
    tailId: string;
    path: string;
    label: string;
    kindPrefix: 'nginx-errorlog' | 'fpm-log';
    data: SourceFact;
  },
): Finding | { now: number; clockLine: string; lines: string[] } {
  const out = stepOutput(outputs, o.tailId);
  const clock = stepOutput(outputs, 'now');
  const missingTail = toolMissing(out) && stepFailure(f, out, 'tail', o.label);
  if (missingTail) return missingTail;
  const clockFailed = stepFailure(f, clock, 'date', o.label);
  if (clockFailed) return clockFailed;
  const clockLine = clock.stdout.split('\n')[0] ?? '';
  const now = nginxTime(clockLine);
  if (now === undefined) return unparseable(f, 'date', o.label, clock.stdout);
  if (/No such file or directory/.test(out.stderr)) {
    return f(
      `${o.kindPrefix}-missing`,
      'warn',
      `${o.path} does not exist`,
      firstLines(out.stderr, 2),
      o.data,
    );
  }
  if (/Permission denied/.test(out.stderr)) {
    return f(
      `${o.kindPrefix}-unreadable`,
      'warn',
      `${o.path} is not readable`,
      firstLines(out.stderr, 2),
      o.data,
    );
  }
  const failed = stepFailure(f, out, 'tail', o.label);
  if (failed) return failed;
  if (out.code !== 0) return unparseable(f, 'tail', o.label, `${out.stderr}\n${out.stdout}`);
  return { now, clockLine, lines: out.stdout.split('\n').filter((l) => l.trim() !== '') };
}
