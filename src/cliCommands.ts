/** The CLI commands that open the inventory (`cli.ts` loads this only for them). */
import { renderReportText } from './adapters/console/renderReportText.js';
import { storeAdvice } from './adapters/store/storeAdvice.js';
import { type CliFlags, EXIT, type Out } from './cliExit.js';
import { auditCommand, remediateCommand } from './cliRemediate.js';
import { createMedic, type Medic } from './composition.js';
import { configPath } from './config/loadConfig.js';
import { resolveSite } from './core/conversation/resolveSite.js';
import { INTERRUPTED } from './core/engine/runningDiagnoses.js';
import { isMedicError } from './core/errors.js';
import type { Report } from './core/model/report.js';
import { storeProblemText } from './core/model/storeProblem.js';
import { drainAndStop, type ShutdownParts, watchSignals } from './shutdown.js';

function open(flags: CliFlags, store: boolean | 'optional' = false): Medic {
  return createMedic(configPath(flags.config), { logLevel: process.env.MEDIC_LOG_LEVEL ?? 'warn', store });
}

export async function diagnoseCommand(query: string, flags: CliFlags, out: Out, err: Out): Promise<number> {
  // diagnose stores its report; without a usable store it still diagnoses, and says so.
  const medic = open(flags, 'optional');
  const off = medic.storeProblem;
  if (off) {
    err.write(
      `medic: history is off: ${storeProblemText(off)} (store.${off.kind}); this report is not saved\n  what to do: ${storeAdvice(off)}\n`,
    );
  }
  const match = resolveSite(query, medic.config);
  if (match.type !== 'site') {
    err.write(
      match.type === 'ambiguous'
        ? `"${query}" matches several sites: ${match.sites.join(', ')}\n`
        : `no site matches "${query}"${match.suggestions.length ? `; did you mean ${match.suggestions.join(' or ')}?` : `; sites: ${Object.keys(medic.config.sites).join(', ')}`}\n`,
    );
    return EXIT.usage;
  }
  // SIGTERM or SIGINT: as `serve` does, let the run finish within the drain time, then
  // interrupt it (stored as interrupted) and hang up its remote commands; a second signal cuts.
  const signals = watchSignals(medic.logger);
  const stopping = signals.first.then(() =>
    drainAndStop(diagnoseParts(medic), {
      drainMs: medic.config.shutdown.drainSeconds * 1000,
      force: signals.second,
      graceMs: 2000,
    }),
  );
  let signalled = false;
  void signals.first.then((signal) => {
    signalled = true;
    err.write(
      `medic: ${signal}: letting the run finish for up to ${medic.config.shutdown.drainSeconds} s; a second signal interrupts it now\n`,
    );
  });
  let diagnosed: Report;
  try {
    diagnosed = await medic.diagnoser.diagnose(
      match.site,
      flags.playbook ? { playbook: flags.playbook } : {},
    );
  } catch (e) {
    if (!isMedicError(e) || e.code !== INTERRUPTED) throw e;
    err.write(`medic: ${e.userMessage} (${e.code})\n`);
    return EXIT.unknown;
  } finally {
    signals.off();
    await (signalled ? stopping : medic.store?.close());
  }
  const report = off ? { ...diagnosed, notSaved: off } : diagnosed;
  out.write(
    flags.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : renderReportText(report, { color: !flags['no-color'] && Boolean(out.isTTY) }),
  );
  return report.status === 'healthy' ? EXIT.ok : report.status === 'unknown' ? EXIT.unknown : EXIT.fault;
}

/** What a signal stops in `medic diagnose`: its one run, its transports, its store. */
function diagnoseParts(medic: Medic): ShutdownParts {
  return {
    logger: medic.logger,
    stopIntake: [],
    work: {
      diagnoses: {
        size: () => medic.diagnoser.running.size,
        drain: (ms) => medic.diagnoser.running.drain(ms),
      },
    },
    interrupt: async () => (await medic.diagnoser.interrupt()).length,
    endRemote: () => medic.transports.stop(),
    close: async () => {
      await medic.store?.close();
    },
  };
}

export async function remediate(
  query: string,
  action: string | undefined,
  flags: CliFlags,
  out: Out,
  err: Out,
): Promise<number> {
  const medic = open(flags, true);
  const match = resolveSite(query, medic.config);
  if (match.type !== 'site') {
    err.write(`no single site matches "${query}"\n`);
    return EXIT.usage;
  }
  return remediateCommand(
    medic,
    match.site,
    action,
    { dryRun: flags['dry-run'], yes: flags.yes },
    out,
    err,
  ).finally(() => medic.store?.close());
}

export async function audit(query: string, flags: CliFlags, out: Out, err: Out): Promise<number> {
  const medic = open(flags, true);
  const match = query ? resolveSite(query, medic.config) : undefined;
  if (match && match.type !== 'site') {
    err.write(`no single site matches "${query}"\n`);
    return EXIT.usage;
  }
  const limit = Math.max(1, Math.min(1000, Number(flags.limit) || 30));
  return auditCommand(medic, match?.site, { json: flags.json, limit }, out).finally(() =>
    medic.store?.close(),
  );
}

export function validate(flags: CliFlags, out: Out): number {
  const file = configPath(flags.config);
  const medic = open(flags);
  const c = medic.config;
  out.write(
    `${file}: OK — ${Object.keys(c.hosts).length} host(s), ${Object.keys(c.sites).length} site(s), ${medic.playbooks.size} playbook(s)\n`,
  );
  return EXIT.ok;
}

export function playbooks(flags: CliFlags, out: Out): number {
  const medic = open(flags);
  for (const p of medic.playbooks.values()) {
    out.write(`${p.id.padEnd(14)} ${p.title} (${p.checks.map((c) => c.check).join(', ')})\n`);
  }
  return EXIT.ok;
}
