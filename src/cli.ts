#!/usr/bin/env node
/**
 * The `medic` command. This file loads nothing but Node's own modules until a command needs
 * more: `--help` answers at once, `schema` loads only the config schema, `store check` only
 * SQLite, `serve` the chat adapters, and the commands that open the inventory the rest.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type CliFlags, EXIT, exitWhenDrained, type Out } from './cliExit.js';

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

Exit status of diagnose: 0 healthy, 1 a fault was found, 2 usage or config error,
3 unknown (part of the request's path could not be seen).`;

export { EXIT };

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
  const flags: CliFlags = values;
  const commands = () => import('./cliCommands.js');
  switch (command) {
    case 'diagnose': {
      const query = rest.join(' ').trim();
      if (!query) {
        err.write('medic diagnose: name a site, alias or URL\n');
        return EXIT.usage;
      }
      return (await commands()).diagnoseCommand(query, flags, out, err);
    }
    case 'remediate': {
      const [query, action] = rest;
      if (!query) {
        err.write('medic remediate: name a site (and an action; none lists them)\n');
        return EXIT.usage;
      }
      return (await commands()).remediate(query, action, flags, out, err);
    }
    case 'audit':
      return (await commands()).audit(rest.join(' ').trim(), flags, out, err);
    case 'validate':
      return (await commands()).validate(flags, out);
    case 'playbooks':
      return (await commands()).playbooks(flags, out);
    case 'store': {
      const [{ storeCommand }, { configPath }] = await Promise.all([
        import('./cliStore.js'),
        import('./config/loadConfig.js'),
      ]);
      return storeCommand(
        rest[0],
        rest[1],
        { configFile: configPath(flags.config), json: flags.json },
        out,
        err,
      );
    }
    case 'schema': {
      const [{ z }, { configSchema }] = await Promise.all([
        import('zod'),
        import('./config/configSchema.js'),
      ]);
      out.write(
        `${JSON.stringify(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`,
      );
      return EXIT.ok;
    }
    case 'serve':
    case 'console':
      await (await import('./main.js')).runServe({ config: flags.config, http: flags.http });
      return EXIT.ok;
    default:
      err.write(`unknown command "${command}"\n${usage}\n`);
      return EXIT.usage;
  }
}

// Run when executed, also through npm's bin symlink (node_modules/.bin/medic -> dist/cli.js).
const isMain =
  process.argv[1] !== undefined &&
  realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (isMain) {
  cli(process.argv.slice(2))
    .catch(async (e) => (await import('./cliErrors.js')).reportError(e))
    .then((code) => {
      process.exitCode = code;
      exitWhenDrained(code, [process.stdout, process.stderr]);
    });
}
