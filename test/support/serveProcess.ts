/** A real `medic` child process: its output, its JSON log lines, its exit and when it came. */
import { type ChildProcess, spawn } from 'node:child_process';

const cliPath = new URL('../../src/cli.ts', import.meta.url).pathname;

export interface ServeProcess {
  child: ChildProcess;
  stdout(): string;
  /** pino lines of stderr, parsed. */
  logs(): Array<Record<string, unknown>>;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: string | null; at: number }>;
  /** Resolves with the first log line whose msg matches. */
  waitForLog(msg: RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<void>;
}

/** `medic serve …` as a child process. */
export const serve = (args: string[], env: Record<string, string | undefined> = {}): ServeProcess =>
  medicChild(['serve', ...args], env);

/** Any `medic …` command as a child process (`diagnose`, `serve`, …). */
export function medicChild(args: string[], env: Record<string, string | undefined> = {}): ServeProcess {
  const base = { ...process.env };
  for (const k of [
    'SLACK_BOT_TOKEN',
    'SLACK_APP_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_API_URL',
    'MEDIC_CONFIG',
  ])
    delete base[k];
  const child = spawn('node', ['--import', 'tsx', cliPath, ...args], {
    env: { ...base, MEDIC_LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  const logs = () =>
    err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const poll = async <T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`medic serve: no ${what} in ${timeoutMs} ms\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logs,
    exited,
    waitForLog: (msg, timeoutMs = 30_000) =>
      poll(() => logs().find((l) => msg.test(String(l.msg))), `log ${msg}`, timeoutMs),
    waitForOutput: (re, timeoutMs = 30_000) =>
      poll(() => (re.test(out) ? true : undefined), `output ${re}`, timeoutMs).then(() => undefined),
  };
}
