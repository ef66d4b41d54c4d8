/** `medic store check [FILE]`: is the store usable, and what to do when it is not. */
import { basename, dirname, join, resolve } from 'node:path';
import { checkStore, type StoreCheck } from './adapters/store/checkStore.js';
import { defaultStorePath } from './adapters/store/defaultStorePath.js';
import { storeAdvice } from './adapters/store/storeAdvice.js';
import { loadConfig } from './config/loadConfig.js';
import { storeProblemText } from './core/model/storeProblem.js';

type Out = NodeJS.WritableStream;

/** 0: usable; 1: a problem was found (each with what to do); 2: usage or config error. */
export function storeCommand(
  sub: string | undefined,
  file: string | undefined,
  opts: { configFile: string; json: boolean },
  out: Out,
  err: Out,
): number {
  if (sub !== 'check') {
    err.write("usage: medic store check [FILE] [--json]   (FILE: default the config's store)\n");
    return 2;
  }
  const path = file ? resolve(file) : configuredPath(opts.configFile);
  const check = checkStore(path);
  out.write(opts.json ? `${JSON.stringify(check, null, 2)}\n` : renderCheck(check));
  return check.problems.length === 0 ? 0 : 1;
}

function configuredPath(configFile: string): string {
  const { config, dir } = loadConfig(configFile);
  return config.store.path ? resolve(dir, config.store.path) : defaultStorePath();
}

const size = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1 << 20
      ? `${(n / 1024).toFixed(1)} KiB`
      : n < 1 << 30
        ? `${(n / (1 << 20)).toFixed(1)} MiB`
        : `${(n / (1 << 30)).toFixed(1)} GiB`;

/**
 * Rebuild a damaged store from what is readable, keeping its schema version (`.dump` does not
 * carry it). Medic must be stopped: nothing may write meanwhile.
 */
export function recoverCommands(path: string, version: number): string[] {
  const aside = join(dirname(path), 'aside');
  const name = basename(path);
  return [
    `mkdir ${aside} && mv ${path} ${aside}/ && { mv ${path}-wal ${path}-shm ${aside}/ 2>/dev/null; true; }`,
    `sqlite3 ${join(aside, name)} .dump | sqlite3 ${path}`,
    `sqlite3 ${path} 'PRAGMA user_version = ${version}'`,
    `medic store check ${path}`,
  ];
}

/** The check as terminal lines: what was looked at, then each problem with what to do. */
export function renderCheck(c: StoreCheck): string {
  const lines = [`store ${c.path}`];
  if (!c.exists) lines.push('  file       none yet (Medic creates it at first use)');
  else lines.push(`  file       ${size(c.sizeBytes)}`);
  if (c.integrity) lines.push(`  integrity  ${c.integrity.join('; ').slice(0, 300)}`);
  if (c.schema) {
    const { version, expected } = c.schema;
    const note =
      version === expected
        ? ''
        : version < expected
          ? ' (migrated at the next start)'
          : ' (newer than this Medic)';
    lines.push(`  schema     version ${version}, this Medic: ${expected}${note}`);
  }
  if (c.journalMode) {
    const wal = c.wal
      ? `; ${c.path.split('/').pop()}-wal ${size(c.wal.bytes)}, ${c.wal.frames} frame(s) (copied into the file at checkpoints and when Medic closes the store)`
      : c.journalMode === 'wal'
        ? '; no -wal file (everything is in the file)'
        : '';
    lines.push(`  journal    ${c.journalMode}${wal}`);
  }
  if (c.lock !== 'not-checked')
    lines.push(
      `  lock       ${c.lock === 'free' ? 'free (a write could start)' : 'held by another process'}`,
    );
  if (c.fs.freeBytes !== undefined)
    lines.push(`  space      ${size(c.fs.freeBytes)} free on its file system`);
  if (c.problems.length === 0) {
    lines.push('OK');
  } else {
    for (const p of c.problems) {
      lines.push(`PROBLEM: ${storeProblemText(p)} (store.${p.kind}): ${p.detail.slice(0, 300)}`);
      lines.push(`  what to do: ${storeAdvice(p)}`);
      if (p.kind === 'corrupt' && c.schema) {
        lines.push(
          '  with Medic stopped:',
          ...recoverCommands(c.path, c.schema.version).map((l) => `    ${l}`),
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
