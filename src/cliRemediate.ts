import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { renderReplyText } from './adapters/console/renderReplyText.js';
import type { Medic } from './composition.js';
import { toSafeError } from './core/errors.js';
import type { ProposedAction } from './core/model/action.js';
import { siteRollbacks } from './core/remediation/siteRollbacks.js';

type Out = NodeJS.WritableStream & { isTTY?: boolean };

/** Pick an action by exact id, by its number in the list, or by a unique kind / id prefix. */
export function pickAction(candidates: ProposedAction[], query: string): ProposedAction | ProposedAction[] {
  const exact = candidates.find((c) => c.id === query);
  if (exact) return exact;
  if (/^\d+$/.test(query)) return candidates[Number(query) - 1] ?? [];
  const q = query.toLowerCase();
  const hits = candidates.filter((c) => c.id.toLowerCase().startsWith(q) || c.kind.startsWith(q));
  return hits.length === 1 ? (hits[0] as ProposedAction) : hits;
}

/**
 * `medic remediate <site> [action] [--dry-run] [--yes]`: diagnose, then run one of the proposed
 * actions (or a declared rollback) with the same audit and verification as an approval in chat.
 */
export async function remediateCommand(
  medic: Medic,
  site: string,
  query: string | undefined,
  flags: { dryRun: boolean; yes: boolean },
  out: Out,
  err: Out,
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): Promise<number> {
  const remediator = medic.remediator;
  if (!remediator) {
    err.write('medic remediate needs the store (approvals and audit live there)\n');
    return 2;
  }
  const siteConfig = medic.config.sites[site];
  if (!siteConfig) return 2;
  out.write(`Diagnosing ${site}…\n`);
  const report = await medic.diagnoser.diagnose(site, {
    origin: { trigger: 'cli', requestedBy: operator() },
  });
  out.write(`${report.status}: ${report.headline}\n`);
  const candidates = [
    ...new Map(
      [...report.actions.filter((a) => !a.manual), ...siteRollbacks(siteConfig)].map((a) => [a.id, a]),
    ).values(),
  ];
  const list = () =>
    candidates
      .map((a, i) => `  ${String(i + 1).padStart(2)}. [${a.risk}] ${a.id}\n      ${a.title}\n`)
      .join('');
  if (!query) {
    out.write(candidates.length ? `Actions:\n${list()}` : 'No action to take.\n');
    return 0;
  }
  const picked = pickAction(candidates, query);
  if (Array.isArray(picked)) {
    err.write(
      `${picked.length ? `"${query}" matches several actions` : `no action matches "${query}"`}; actions:\n${list()}`,
    );
    return 2;
  }
  const print = (reply: Parameters<typeof renderReplyText>[0]) => {
    const text = renderReplyText(reply, { color: false });
    if (text) out.write(`${text}\n`);
  };
  if (flags.dryRun) {
    await remediator.dryRun(site, picked, operator(), print);
    return 0;
  }
  // Resolved on the host now (e.g. which release is previous): what is shown is what runs.
  // If it cannot be resolved, running it still goes through the runner: refused and audited.
  const planned = await remediator.planner.plan(picked).then(
    (steps) => ({ steps }),
    (e: unknown) => ({ error: toSafeError(e).message }),
  );
  if (!flags.yes) {
    if (!input.isTTY) {
      err.write('not a terminal: pass --yes to run it, or --dry-run to see the commands\n');
      return 2;
    }
    if ('error' in planned) {
      err.write(`${planned.error}\nNothing was run.\n`);
      return 1;
    }
    const rl = createInterface({ input, output: out });
    const answer = await rl.question(
      `${picked.title} [${picked.risk}]\n  ${planned.steps.join('\n  ')}\nRun it? [y/N] `,
    );
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      out.write('Nothing was run.\n');
      return 1;
    }
  }
  const steps = 'steps' in planned ? planned.steps : undefined;
  const r = await remediator.runByOperator(report, picked, operator(), print, steps);
  return r.ok && (r.recovered || picked.risk === 'read') ? 0 : 1;
}

/** `medic audit [site] [--json] [--limit N]`: newest first. */
export async function auditCommand(
  medic: Medic,
  site: string | undefined,
  flags: { json: boolean; limit: number },
  out: Out,
): Promise<number> {
  const entries = (await medic.remediator?.auditLog(site, flags.limit)) ?? [];
  out.write(
    flags.json
      ? `${JSON.stringify(entries, null, 2)}\n`
      : `${renderReplyText({ type: 'audit', site, entries }) ?? ''}\n`,
  );
  return 0;
}

/** The login; under sudo (uid 0) the invoking user, as sudo records it. */
const operator = () => {
  const root = process.getuid?.() === 0;
  return `cli:${root && process.env.SUDO_USER ? `${process.env.SUDO_USER} (sudo)` : userInfo().username}`;
};
