/**
 * Run `medic diagnose` as a user does, a whole process: the built bin (`node dist/bundle/cli.js`, what
 * the `medic` bin of package.json runs; rebuilt with `npm run build` when src is newer), or
 * `node --import tsx src/cli.ts` with BENCH_MEDIC=tsx. Measures wall time and peak RSS.
 */
import { execFile as execFileCb, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFile = promisify(execFileCb);
const root = new URL('../../', import.meta.url).pathname;
const GNU_TIME = '/usr/bin/time';

export interface MedicRun {
  ms: number;
  /** Peak resident set of the medic process, in KiB (undefined when it could not be read). */
  rssKiB: number | undefined;
  /** Exit status: 0 healthy, 1 a fault, 3 unknown; 2 is a usage or config error. */
  code: number;
  stdout: string;
  stderr: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export interface MedicCommand {
  argv: string[];
  /** How the output names it. */
  label: string;
}

/** The command line that runs `medic`; builds dist first when it is missing or stale. */
export async function medicCommand(): Promise<MedicCommand> {
  if (process.env.BENCH_MEDIC === 'tsx') {
    return { argv: ['node', '--import', 'tsx', 'src/cli.ts'], label: 'node --import tsx src/cli.ts' };
  }
  const cli = join(root, 'dist/bundle/cli.js');
  if (!existsSync(cli) || statSync(cli).mtimeMs < newestMtime(join(root, 'src'))) {
    console.log('building dist (npm run build) ...');
    await execFile('npm', ['run', 'build'], { cwd: root, maxBuffer: 1 << 24 });
  }
  return { argv: ['node', 'dist/bundle/cli.js'], label: 'node dist/bundle/cli.js (the built `medic` bin)' };
}

/** Peak RSS by polling /proc (when GNU time is absent): VmHWM just before the process exits. */
function pollHwm(pid: number, seen: { kib?: number }): NodeJS.Timeout {
  return setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) seen.kib = Number(m[1]);
    } catch {
      // exited between two polls
    }
  }, 10);
}

/** Run `medic diagnose <site> --config <file>` once, timed from spawn to exit. */
export async function runMedicDiagnose(cmd: MedicCommand, site: string, config: string): Promise<MedicRun> {
  const args = [...cmd.argv, 'diagnose', site, '--config', config];
  const useTime = existsSync(GNU_TIME);
  const dir = useTime ? mkdtempSync(join(tmpdir(), 'medic-bench-rss-')) : '';
  const rssFile = join(dir, 'rss');
  const [file, ...rest] = useTime ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...args] : args;
  const t0 = performance.now();
  const child = spawn(file as string, rest, {
    cwd: root,
    env: { ...process.env, MEDIC_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen: { kib?: number } = {};
  const poll = useTime || child.pid === undefined ? undefined : pollHwm(child.pid, seen);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? -1));
  });
  const ms = performance.now() - t0;
  if (poll) clearInterval(poll);
  let rssKiB = seen.kib;
  if (useTime) {
    const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rssKiB = Number.isFinite(kib) && kib > 0 ? kib : undefined;
    rmSync(dir, { recursive: true, force: true });
  }
  return { ms, rssKiB, code, stdout, stderr };
}

/** A run that says nothing about speed: a config error or a crash. */
export function assertDiagnosed(run: MedicRun): void {
  if (run.code === 0 || run.code === 1 || run.code === 3) return;
  throw new Error(`medic diagnose exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
}
