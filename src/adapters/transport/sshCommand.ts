import type { ClientChannel } from 'ssh2';
import { TIMEOUT_EXIT } from '../../core/command.js';
import { MedicError } from '../../core/errors.js';
import type { ExecResult } from '../../core/ports.js';
import type { SshLink } from './sshLink.js';

const MAX_OUTPUT = 4 * 1024 * 1024;
/**
 * Medic's own timer fires this long after the remote `timeout` should have ended the command:
 * on a live host the remote side answers first (exit 124); on a silent one Medic gives up.
 */
export const LOCAL_MARGIN_MS = 1000;
/** Waits between attempts after sshd refused a channel (then 1 s each). */
const BACKOFF_MS = [20, 50, 100, 200, 400, 800];

export interface CommandPlan {
  /** The command line, with a remote `timeout` of `remoteMs`. */
  line(remoteMs: number): string;
  /** The step's time budget, and when it ends (epoch ms): waiting for a channel counts. */
  timeoutMs: number;
  deadline: number;
  signal?: AbortSignal | undefined;
  /** Sees stdout as it arrives (a batch reads its frames from it). */
  onData?: (chunk: Buffer) => void;
  /** Cap on the output kept (default 4 MiB). */
  maxOutput?: number;
  /** A channel slot the caller already holds: the first attempt uses it instead of waiting. */
  held?: (() => void) | undefined;
}

/** Output of one channel, capped, and the result it makes. */
class Output {
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private size = 0;

  constructor(private readonly max = MAX_OUTPUT) {}

  collect(into: 'out' | 'err', onData?: (chunk: Buffer) => void) {
    return (chunk: Buffer) => {
      onData?.(chunk);
      this.size += chunk.length;
      if (this.size <= this.max) (into === 'out' ? this.out : this.err).push(chunk);
    };
  }

  result(started: number, r: Pick<ExecResult, 'code' | 'signal' | 'timedOut'>): ExecResult {
    return {
      stdout: Buffer.concat(this.out).toString('utf8'),
      stderr: Buffer.concat(this.err).toString('utf8'),
      ...r,
      durationMs: Date.now() - started,
    };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** End the remote command: SIGTERM to its process group (the remote `timeout` relays it through sudo and kills 2 s later), then close. */
function hangUp(ch: ClientChannel): void {
  try {
    ch.signal('TERM');
  } catch {
    // the channel is already closing
  }
  ch.close();
}

function aborted(link: SshLink): MedicError {
  return new MedicError('transport.aborted', `the command on ${link.host} was cancelled`);
}

/** sshd refused to open a session channel (MaxSessions): ssh2 gives such errors a reason code. */
const isOpenRefusal = (err: Error) => typeof (err as { reason?: unknown }).reason === 'number';

/**
 * Run one command on the link within its budget: wait for a channel slot, open it (retrying
 * refusals with backoff, the gate learning the host's limit), and collect its output. Medic
 * enforces the budget itself: when its timer fires the remote command is hung up and the
 * result is `timedOut` with no exit code, whether or not the host still answers.
 */
export async function runCommand(link: SshLink, plan: CommandPlan): Promise<ExecResult> {
  const started = Date.now();
  let refusals = 0;
  for (let attempt = 0; ; attempt++) {
    const held = attempt === 0 ? plan.held : undefined;
    if (link.failure) {
      held?.();
      throw link.failure;
    }
    if (refusals > 0 && Date.now() >= plan.deadline) throw refused(link, plan);
    const release = held ?? (await link.gate.acquire(plan.deadline, plan.signal));
    if (link.failure) {
      release?.();
      throw link.failure;
    }
    if (!release) {
      if (plan.signal?.aborted) throw aborted(link);
      if (refusals > 0 || link.gate.lowered) throw refused(link, plan);
      // Every channel stayed busy for the whole budget: the command never started.
      return new Output().result(started, { code: null, signal: null, timedOut: true });
    }
    const outcome = await openAndRun(link, plan, release, started);
    if (outcome !== 'refused') return outcome;
    refusals++;
    const wait = Math.min(BACKOFF_MS[attempt] ?? 1000, plan.deadline - Date.now());
    if (wait > 0) await sleep(wait);
    if (plan.signal?.aborted) throw aborted(link);
  }
}

function refused(link: SshLink, plan: CommandPlan): MedicError {
  return new MedicError(
    'transport.channel-refused',
    `${link.host} refused command channels (it allows ${link.gate.limit} at once: sshd MaxSessions) and none came free within ${plan.timeoutMs} ms`,
  );
}

function openAndRun(
  link: SshLink,
  plan: CommandPlan,
  release: () => void,
  started: number,
): Promise<ExecResult | 'refused'> {
  return new Promise((resolve, reject) => {
    const now = Date.now();
    const remoteMs = Math.max(1000, Math.ceil((plan.deadline - now) / 1000) * 1000);
    const giveUpAt = Math.max(plan.deadline, now + remoteMs) + LOCAL_MARGIN_MS;
    const output = new Output(plan.maxOutput);
    let channel: ClientChannel | undefined;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      plan.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const timer = setTimeout(() => {
      settle(() => resolve(output.result(started, { code: null, signal: null, timedOut: true })));
      if (channel) hangUp(channel); // else: hung up as soon as the open is answered
      link.suspect();
    }, giveUpAt - now);
    const onAbort = () => {
      settle(() => reject(aborted(link)));
      if (channel) hangUp(channel);
    };
    plan.signal?.addEventListener('abort', onAbort, { once: true });

    const onExec = (err: Error | undefined, ch: ClientChannel) => {
      if (err) {
        if (!link.failure && isOpenRefusal(err)) link.gate.refused();
        release();
        if (link.failure) settle(() => reject(link.failure));
        else if (isOpenRefusal(err)) settle(() => resolve('refused'));
        else
          settle(() =>
            reject(
              new MedicError('transport.channel', `${link.host} refused the command: ${err.message}`, {
                cause: err,
              }),
            ),
          );
        return;
      }
      channel = ch;
      const untrack = link.track(() => hangUp(ch));
      if (settled) hangUp(ch); // Medic gave up (timeout, cancel) before the channel opened
      ch.on('data', output.collect('out', plan.onData));
      ch.stderr.on('data', output.collect('err'));
      ch.on('close', (code: number | null | undefined, signal?: string) => {
        untrack();
        release();
        const exit = typeof code === 'number' ? code : null;
        settle(() => {
          // A channel cut by a lost or closed connection is not a result.
          if (exit === null && link.failure) reject(link.failure);
          else
            resolve(
              output.result(started, { code: exit, signal: signal ?? null, timedOut: exit === TIMEOUT_EXIT }),
            );
        });
      });
    };
    try {
      link.client.exec(plan.line(remoteMs), onExec);
    } catch (err) {
      // ssh2 throws "Not connected" synchronously once the connection is gone.
      release();
      settle(() =>
        reject(
          link.failure ??
            new MedicError('transport.unreachable', `the SSH connection to ${link.where} was lost`, {
              cause: err,
            }),
        ),
      );
    }
  });
}
