#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { renderReportText } from './adapters/console/renderReportText.js';
import { storeAdvice, storeErrorLines } from './adapters/store/storeAdvice.js';
import { auditCommand, remediateCommand } from './cliRemediate.js';
import { storeCommand } from './cliStore.js';
import { createMedic, type Medic } from './composition.js';
import { configSchema } from './config/configSchema.js';
import { ConfigError, configPath, formatProblem } from './config/loadConfig.js';
import { resolveSite } from './core/conversation/resolveSite.js';
import { isMedicError } from './core/errors.js';
import { isStoreError, storeProblemText } from './core/model/storeProblem.js';
import { runServe } from './main.js';

const usage = `Usage: medic <command> [options]

Commands:
  diagnose <site | alias | URL | "502 on shop.example.com">   run a playbook, print the diagnosis
  validate                  check the config file; print every problem with its YAML path
  playbooks                 list the playbooks
  remediate <site> [action] [--dry-run] [--yes]
                            diagnose, then run a proposed action or a declared rollback and
                            verify the site recovered (no action: list them)
  audit [site] [--limit N]  the audit log of remediation, newest first
  store check [FILE]        is the store usable: integrity, schema version, WAL, lock,
                            space (exit 0 usable, 1 a problem, with what to do)
  schema                    print the JSON Schema of the config file (for editors)
  serve [--http]            start the chat bot: Slack (Socket Mode, or HTTP with --http) when
                            SLACK_BOT_TOKEN is set, else the console chat

Options:
  -c, --config <file>       config file (default: $MEDIC_CONFIG or ./medic.yaml)
  -p, --playbook <id>       playbook to run (default: the site's, usually 502-triage)
      --json                print the report as JSON
      --no-color            plain text output
  -h, --help

Exit status of diagnose: 0 healthy, 1 a fault was found, 2 usage or config error.`;

/** 0 healthy, 1 a fault was found, 2 usage or config error, 3 unknown: part of the path went unseen. */
export const EXIT = { ok: 0, fault: 1, usage: 2, unknown: 3 } as const;

function open(flags: { config?: string | undefined }, store: boolean | 'optional' = false): Medic {
  return createMedic(configPath(flags.config), { logLevel: process.env.MEDIC_LOG_LEVEL ?? 'warn', store });
}

type Out = NodeJS.WritableStream & { isTTY?: boolean };

export async function cli(
  argv: string[],
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      playbook: { type: 'string', short: 'p' },
      json: { type: 'boolean', default: false },
      http: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', short: 'y', default: false },
      limit: { type: 'string', default: '30' },
      'no-color': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    out.write(`${usage}\n`);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  switch (command) {
    case 'diagnose': {
      const query = rest.join(' ').trim();
      if (!query) {
        err.write('medic diagnose: name a site, alias or URL\n');
        return EXIT.usage;
      }
      // diagnose stores its report; without a usable store it still diagnoses, and says so.
      const medic = open(values, 'optional');
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
      const diagnosed = await medic.diagnoser
        .diagnose(match.site, values.playbook ? { playbook: values.playbook } : {})
        .finally(() => medic.store?.close());
      const report = off ? { ...diagnosed, notSaved: off } : diagnosed;
      out.write(
        values.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : renderReportText(report, {
              color: !values['no-color'] && Boolean(out.isTTY),
            }),
      );
      return report.status === 'healthy' ? EXIT.ok : report.status === 'unknown' ? EXIT.unknown : EXIT.fault;
    }
    case 'remediate': {
      const [query, action] = rest;
      if (!query) {
        err.write('medic remediate: name a site (and an action; none lists them)\n');
        return EXIT.usage;
      }
      const medic = open(values, true);
      const match = resolveSite(query, medic.config);
      if (match.type !== 'site') {
        err.write(`no single site matches "${query}"\n`);
        return EXIT.usage;
      }
      return remediateCommand(
        medic,
        match.site,
        action,
        { dryRun: values['dry-run'], yes: values.yes },
        out,
        err,
      ).finally(() => medic.store?.close());
    }
    case 'audit': {
      const medic = open(values, true);
      const query = rest.join(' ').trim();
      const match = query ? resolveSite(query, medic.config) : undefined;
      if (match && match.type !== 'site') {
        err.write(`no single site matches "${query}"\n`);
        return EXIT.usage;
      }
      const limit = Math.max(1, Math.min(1000, Number(values.limit) || 30));
      return auditCommand(medic, match?.site, { json: values.json, limit }, out).finally(() =>
        medic.store?.close(),
      );
    }
    case 'validate': {
      const file = configPath(values.config);
      const medic = open(values);
      const c = medic.config;
      out.write(
        `${file}: OK — ${Object.keys(c.hosts).length} host(s), ${Object.keys(c.sites).length} site(s), ${medic.playbooks.size} playbook(s)\n`,
      );
      return EXIT.ok;
    }
    case 'playbooks': {
      const medic = open(values);
      for (const p of medic.playbooks.values()) {
        out.write(`${p.id.padEnd(14)} ${p.title} (${p.checks.map((c) => c.check).join(', ')})\n`);
      }
      return EXIT.ok;
    }
    case 'store':
      return storeCommand(
        rest[0],
        rest[1],
        { configFile: configPath(values.config), json: values.json },
        out,
        err,
      );
    case 'schema':
      out.write(
        `${JSON.stringify(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`,
      );
      return EXIT.ok;
    case 'serve':
    case 'console':
      await runServe({ config: values.config, http: values.http });
      return EXIT.ok;
    default:
      err.write(`unknown command "${command}"\n${usage}\n`);
      return EXIT.usage;
  }
}

/** Errors reach the terminal as code + safe message; a ConfigError lists every problem. */
export function reportError(e: unknown, err: Out = process.stderr): number {
  if (isStoreError(e)) {
    err.write(storeErrorLines(e.problem));
    return EXIT.fault;
  }
  if (e instanceof ConfigError) {
    err.write(`${e.file}: ${e.problems.length} problem(s)\n`);
    for (const p of e.problems) err.write(`  ${formatProblem(p)}\n`);
    return EXIT.usage;
  }
  if (isMedicError(e)) {
    err.write(`medic: ${e.userMessage} (${e.code})\n`);
    return e.code.startsWith('config.') || e.code.startsWith('playbook.') || e.code.startsWith('site.')
      ? EXIT.usage
      : EXIT.fault;
  }
  if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
    err.write(`medic: ${e.message}\n`);
    return EXIT.usage;
  }
  // No stack traces for users: set MEDIC_DEBUG=1 to see one.
  err.write(`medic: unexpected error (${(e as Error)?.message ?? String(e)})\n`);
  if (process.env.MEDIC_DEBUG) err.write(`${(e as Error)?.stack ?? ''}\n`);
  return EXIT.fault;
}

// Run when executed, also through npm's bin symlink (node_modules/.bin/medic -> dist/cli.js).
const isMain =
  process.argv[1] !== undefined &&
  realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (isMain) {
  cli(process.argv.slice(2))
    .catch((e) => reportError(e))
    .then((code) => {
      process.exitCode = code;
    });
}
