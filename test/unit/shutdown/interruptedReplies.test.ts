/** What an interrupted run and a message after shutdown began look like in Slack and the console. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consoleChat } from '../../../src/adapters/console/consoleChat.js';
import { ChannelThrottle } from '../../../src/adapters/slack/channelThrottle.js';
import { type SlackClient, ThreadReporter } from '../../../src/adapters/slack/threadReporter.js';
import { ServingConversation } from '../../../src/core/conversation/servingConversation.js';
import { INTERRUPTED } from '../../../src/core/engine/runningDiagnoses.js';
import type { Reply } from '../../../src/core/model/reply.js';
import { silentLogger } from '../../../src/core/ports.js';
import { diagnoser, inventory, playbook } from '../../support/diagnoserKit.js';

function slack() {
  const calls: Array<{ method: string; args: Record<string, unknown> }> = [];
  const record = (method: string) => async (args: Record<string, unknown>) => {
    calls.push({ method, args });
    return { ok: true, ts: `17.${calls.length}` };
  };
  const client = {
    chat: { postMessage: record('post'), update: record('update') },
  } as unknown as SlackClient;
  return {
    calls,
    reporter: new ThreadReporter(
      client,
      { channel: 'C1', threadTs: '1.1' },
      new ChannelThrottle(0),
      silentLogger,
    ),
  };
}

const message =
  'Diagnosis of shop interrupted by shutdown after 11/12 checks: nothing was concluded. Ask again when Medic is back.';

describe('an interrupted diagnosis in a Slack thread', () => {
  it('the progress message says interrupted (no more "Diagnosing … 11/12" forever), then the thread is told', async () => {
    const { calls, reporter } = slack();
    await reporter.sink({ type: 'started', site: 'shop', playbook: '502-triage', joined: false });
    await reporter.sink({
      type: 'progress',
      site: 'shop',
      event: {
        type: 'run-started',
        site: 'shop',
        playbook: '502-triage',
        hosts: ['web1'],
        total: 12,
        perHost: { web1: 12 },
      },
    });
    for (let done = 1; done <= 11; done++) {
      await reporter.sink({
        type: 'progress',
        site: 'shop',
        event: {
          type: 'check-finished',
          run: { check: `c${done}`, host: 'web1', status: 'ok', durationMs: 1 },
          done,
          total: 12,
        },
      });
    }
    await reporter.sink({ type: 'error', code: INTERRUPTED, message });
    const last = calls.filter((c) => c.method === 'update').at(-1);
    expect(last?.args.text).toBe(
      ':octagonal_sign: Diagnosis of *shop* with `502-triage` interrupted by shutdown at 11/12 checks\n• *web1*: :heavy_minus_sign: 11/12',
    );
    expect(calls.at(-1)).toMatchObject({
      method: 'post',
      args: { thread_ts: '1.1', text: `:warning: ${message}` },
    });
  });

  it('a thread that joined the run gets the message only', async () => {
    const { calls, reporter } = slack();
    await reporter.sink({ type: 'started', site: 'shop', playbook: '502-triage', joined: true });
    await reporter.sink({ type: 'error', code: INTERRUPTED, message });
    expect(calls.map((c) => c.method)).toEqual(['post']);
  });
});

describe('a serving conversation at shutdown', () => {
  const conversation = () =>
    new ServingConversation(inventory, new Map([['mem', playbook]]), diagnoser(), silentLogger);

  it('tracks each message until its last reply, then answers "shutting down" (passive ones: nothing)', async () => {
    const c = conversation();
    const replies: Reply[] = [];
    const handled = c.handle('diagnose shop with mem', (r) => {
      replies.push(r);
    });
    expect(c.inFlight.size).toBe(1);
    await handled;
    expect(replies.filter((r) => r.type !== 'progress').map((r) => r.type)).toEqual(['started', 'report']);
    expect(c.inFlight.size).toBe(0);
    c.stopTaking();
    const after: Reply[] = [];
    await c.handle('502 on shop', (r) => {
      after.push(r);
    });
    await c.handle(
      'shop is down',
      (r) => {
        after.push(r);
      },
      undefined,
      { passive: true },
    );
    expect(after).toEqual([
      { type: 'error', code: 'shutdown', message: 'Medic is shutting down; ask again in a minute.' },
    ]);
    expect(c.inFlight.size).toBe(0);
  });

  it('the console stops reading when its signal aborts: the line being answered finishes, no later line runs', async () => {
    const c = conversation();
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d) => {
      text += d;
    });
    const stop = new AbortController();
    const done = consoleChat(c, { input, output, color: false, signal: stop.signal });
    input.write('diagnose shop with mem\n');
    for (let i = 0; i < 100 && !text.includes('Running mem on shop'); i++)
      await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    input.write('help\n');
    await done;
    expect(text).toMatch(/\[OK\] shop is healthy/);
    expect(text).not.toMatch(/Tell me what is broken/);
  });
});
