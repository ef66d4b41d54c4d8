import { randomBytes } from 'node:crypto';
import { commandLine, script } from '../../core/command.js';
import type { ExecResult } from '../../core/ports.js';
import { batchScript, FrameReader } from './batchScript.js';
import { LOCAL_MARGIN_MS, runCommand } from './sshCommand.js';
import type { SshLink } from './sshLink.js';

/** One read-only command waiting for its batch. */
export interface BatchItem {
  /** Its command line with a remote `timeout` of `timeoutMs`. */
  line: string;
  timeoutMs: number;
  /** When its budget ends (epoch ms), counted from when it was asked for. */
  deadline: number;
  resolve(r: ExecResult): void;
  reject(err: unknown): void;
}

/** Room for the commands' own output: every log tail of a host in one stream. */
const MAX_BATCH_OUTPUT = 32 * 1024 * 1024;

/**
 * Run several read-only commands as one script on one channel; each result is delivered as
 * soon as its frame arrives. Medic's own timer still holds each command to its budget. Returns
 * `unsupported` (with why) when the host could not run the script at all — no POSIX shell, a
 * `ForceCommand` that refuses it — and delivered nothing: the caller then runs them one channel
 * each. A transport failure rejects the commands still waiting. `held` is a channel slot the
 * caller already holds.
 */
export async function runBatch(
  link: SshLink,
  items: BatchItem[],
  held?: () => void,
): Promise<{ unsupported?: string }> {
  const started = Date.now();
  const nonce = randomBytes(8).toString('hex');
  const reader = new FrameReader(nonce);
  const done = new Set<number>();
  const timers = items.map((item, i) =>
    setTimeout(
      () => {
        if (done.has(i)) return;
        done.add(i);
        item.resolve(timedOut(started));
      },
      item.deadline - started + LOCAL_MARGIN_MS,
    ),
  );
  const deliver = (chunk: Buffer) => {
    for (const f of reader.push(chunk)) {
      const item = items[f.index];
      if (!item || done.has(f.index)) continue;
      done.add(f.index);
      clearTimeout(timers[f.index]);
      item.resolve({
        stdout: f.stdout.toString('utf8'),
        stderr: f.stderr.toString('utf8'),
        code: f.code,
        signal: null,
        durationMs: f.durationMs || Date.now() - started,
        timedOut: f.code === 124,
      });
    }
  };
  const budget = Math.max(...items.map((i) => i.deadline)) - started + 2000;
  const text = batchScript(
    nonce,
    items.map((i) => i.line),
  );
  try {
    const r = await runCommand(link, {
      line: (remoteMs) => commandLine(script(text), { timeoutMs: remoteMs, sudo: false }),
      timeoutMs: budget,
      deadline: started + budget,
      onData: deliver,
      maxOutput: MAX_BATCH_OUTPUT,
      held,
    });
    if (done.size === 0 && !r.timedOut && r.code !== 0) {
      for (const t of timers) clearTimeout(t);
      const why = r.stderr.split('\n').find((l) => l.trim()) ?? `exit ${r.code}`;
      return { unsupported: why.trim().slice(0, 200) };
    }
    // The channel ended before some commands answered: cut with the connection (closed, lost),
    // or out of time.
    for (const [i, item] of items.entries()) {
      if (done.has(i)) continue;
      done.add(i);
      clearTimeout(timers[i]);
      if (link.failure) item.reject(link.failure);
      else item.resolve(timedOut(started));
    }
    return {};
  } catch (err) {
    for (const [i, item] of items.entries()) {
      clearTimeout(timers[i]);
      if (!done.has(i)) item.reject(err);
    }
    return {};
  }
}

function timedOut(started: number): ExecResult {
  return {
    stdout: '',
    stderr: '',
    code: null,
    signal: null,
    durationMs: Date.now() - started,
    timedOut: true,
  };
}
