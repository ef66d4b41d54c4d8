import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { type Command, commandArgv, displayLine, TIMEOUT_EXIT } from '../../core/command.js';
import type { HostConfig } from '../../core/model/inventory.js';
import type { ExecOptions, ExecResult, Transport } from '../../core/ports.js';

/**
 * Runs commands on the machine Medic runs on, without a shell (execFile). Used by the console
 * demo. Privileged commands use `sudo -n` only when not already root.
 */
export class LocalTransport implements Transport {
  constructor(
    readonly host: string,
    private readonly cfg: Pick<HostConfig, 'sudo'>,
  ) {}

  describe(cmd: Command, opts: Pick<ExecOptions, 'privileged' | 'asUser'>): string {
    const isRoot = process.getuid?.() === 0;
    const asUser = opts.asUser === userInfo().username ? undefined : opts.asUser;
    return displayLine(cmd, {
      ...(asUser ? { asUser } : {}),
      privileged: Boolean(opts.privileged && this.cfg.sudo && !isRoot),
    });
  }

  exec(cmd: Command, opts: ExecOptions): Promise<ExecResult> {
    const isRoot = process.getuid?.() === 0;
    const asUser = opts.asUser === userInfo().username ? undefined : opts.asUser;
    const [file, ...args] = commandArgv(cmd, { ...opts, asUser, sudo: this.cfg.sudo && !isRoot });
    const started = Date.now();
    return new Promise((resolve) => {
      const child = execFile(
        file as string,
        args,
        { timeout: opts.timeoutMs + 3000, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8', signal: opts.signal },
        (err, stdout, stderr) => {
          const e = err as (NodeJS.ErrnoException & { code?: string | number; killed?: boolean }) | null;
          const code =
            child.exitCode ?? (typeof e?.code === 'number' ? e.code : e?.code === 'ENOENT' ? 127 : null);
          resolve({
            stdout,
            stderr: e?.code === 'ENOENT' ? `${file}: command not found` : stderr,
            code,
            signal: child.signalCode ?? null,
            durationMs: Date.now() - started,
            timedOut: Boolean(e?.killed) || code === TIMEOUT_EXIT,
          });
        },
      );
    });
  }

  async close(): Promise<void> {}
}
