import { z } from 'zod';
import { argv } from '../command.js';
import type { Finding } from '../model/finding.js';
import { journalFindings } from './backendEvents.js';
import { finder, type HostCheck, stepOutput } from './check.js';
import { parseBackendLog, parseJournalLine } from './parseBackendLog.js';
import { firstLines, stepFailure, unparseable } from './stepFailure.js';
import { systemdUnitParams } from './systemdUnit.js';

export const unitJournalParams = z
  .object({
    unit: systemdUnitParams.shape.unit,
    /** How far back to read the unit's journal. */
    minutes: z.number().int().min(1).max(1440).default(15),
    lines: z.number().int().min(10).max(5000).default(300),
  })
  .strict();
export type UnitJournalParams = z.infer<typeof unitJournalParams>;

const denied = /insufficient permissions|Permission denied|not seeing messages from other users/i;

/**
 * The backend's own account: the unit's journal since the window began — how systemd saw its
 * main process die or restart, and what the program behind it printed (Gunicorn's worker
 * timeouts, uWSGI's harakiri, a Python traceback, a Node crash).
 */
export const unitJournal: HostCheck<UnitJournalParams> = {
  scope: 'host',
  id: 'unit-journal',
  title: "The unit's journal",
  logReader: true,
  params: unitJournalParams,
  steps: (p) => [
    {
      id: 'journal',
      command: argv(
        'journalctl',
        '-u',
        p.unit,
        '--no-pager',
        '-o',
        'short-iso',
        '--since',
        `-${p.minutes}min`,
        '-n',
        String(p.lines),
      ),
      privileged: true,
    },
  ],
  parse(outputs, p, ctx): Finding[] {
    const f = finder('unit-journal', ctx.host);
    const out = stepOutput(outputs, 'journal');
    const label = `the journal of ${p.unit}`;
    const failed = stepFailure(f, out, 'journalctl', label);
    if (failed) return [failed];
    const text = out.stdout;
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const entries = lines.filter((l) => parseJournalLine(l));
    if (entries.length === 0 && denied.test(`${out.stderr}\n${text}`)) {
      return [
        f(
          'journal-unreadable',
          'warn',
          `${label} is not readable (no permission)`,
          firstLines(`${out.stderr}\n${text}`, 2),
          { log: `journal of ${p.unit}` },
        ),
      ];
    }
    if (lines.length > 0 && entries.length === 0 && !lines.every((l) => l.startsWith('-- ')))
      return [unparseable(f, 'journalctl', label, text)];
    const found = journalFindings(f, p.unit, parseBackendLog(text));
    if (found.length > 0) return found;
    return [
      f(
        'journal-quiet',
        'ok',
        `nothing telling in ${label} (last ${p.minutes} min, ${entries.length} lines)`,
        [],
        { unit: p.unit, lines: entries.length, minutes: p.minutes },
      ),
    ];
  },
};
