/**
 * Expected mistakes are not crashes: a chat user's unknown playbook, unknown site or bad
 * schedule words are logged once at info with their code and no stack; a real fault (an error
 * that is not a MedicError) is logged at error level with the error itself.
 */
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../../src/core/checks/builtinChecks.js';
import { CheckCatalog } from '../../../src/core/checks/catalog.js';
import { Conversation } from '../../../src/core/conversation/conversation.js';
import { Diagnoser } from '../../../src/core/engine/diagnoser.js';
import { MedicError } from '../../../src/core/errors.js';
import { logFailure } from '../../../src/core/logFailure.js';
import { inventorySchema } from '../../../src/core/model/inventory.js';
import type { Reply } from '../../../src/core/model/reply.js';
import type { Logger } from '../../../src/core/ports.js';
import { intentProposer } from '../../../src/core/remediation/intentProposer.js';
import { harness } from '../scheduler/fakes.js';

interface Line {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function recordingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: Line['level']) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

const inventory = inventorySchema.parse({
  hosts: { web1: { transport: 'local' } },
  sites: { shop: { url: 'http://127.0.0.1:9/', hosts: ['web1'] } },
});
const playbooks = new Map([['502-triage', { id: '502-triage', title: 't', description: '', checks: [] }]]);

function conversation(logger: Logger, diagnoser?: unknown) {
  const real = new Diagnoser(inventory, playbooks, new CheckCatalog(builtinChecks), {
    transports: { open: () => ({}) as never },
    http: { get: async () => ({ status: 200, durationMs: 1 }) },
    clock: { now: () => new Date() },
    logger,
    proposer: intentProposer,
  });
  const h = harness('2026-11-22T10:00:00Z');
  const conv = new Conversation(
    inventory,
    playbooks,
    (diagnoser ?? real) as Diagnoser,
    logger,
    undefined,
    undefined,
    h.scheduler,
  );
  const replies: Reply[] = [];
  const say = (text: string) =>
    conv.handle(text, (r) => void replies.push(r), { trigger: 'slack', requestedBy: 'U1', channel: 'C1' });
  return { say, replies };
}

describe('log levels of chat mistakes', () => {
  it('an unknown playbook: one info line with its code, no error, no stack', async () => {
    const { logger, lines } = recordingLogger();
    const { say, replies } = conversation(logger);
    await say('diagnose shop with nosuch');
    expect(replies).toEqual([expect.objectContaining({ type: 'error', code: 'playbook.unknown' })]);
    expect(lines).toEqual([
      {
        level: 'info',
        obj: {
          site: 'shop',
          code: 'playbook.unknown',
          reason: expect.stringContaining('no playbook "nosuch"'),
        },
        msg: 'diagnosis failed',
      },
    ]);
  });

  it('an unknown site and bad schedule words: info with their codes', async () => {
    const { logger, lines } = recordingLogger();
    const { say, replies } = conversation(logger);
    await say('diagnose nosuch.example.org');
    await say('schedule add "*/5 * * * *" 502-triage shop every-hour');
    await say('schedule pause no-such-id');
    await say('schedule add "*/5 * * * *" nosuch shop');
    expect(replies.map((r) => ('code' in r ? r.code : r.type))).toEqual([
      'unknown-site',
      'schedule.usage',
      'schedule.unknown',
      'playbook.unknown',
    ]);
    expect(lines.map((l) => [l.level, l.obj.code])).toEqual([
      ['info', 'site.unknown'],
      ['info', 'schedule.usage'],
      ['info', 'schedule.unknown'],
      ['info', 'playbook.unknown'],
    ]);
    expect(lines.some((l) => 'err' in l.obj)).toBe(false);
  });

  it('a real fault in a diagnosis is logged at error level with the error and its stack', async () => {
    const { logger, lines } = recordingLogger();
    const fault = new TypeError("Cannot read properties of undefined (reading 'x')");
    const broken = {
      playbook: () => playbooks.get('502-triage'),
      diagnose: async () => {
        throw fault;
      },
    };
    const { say, replies } = conversation(logger, broken);
    await say('diagnose shop');
    expect(replies.at(-1)).toMatchObject({ type: 'error', code: 'diagnose.failed' });
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.obj.err).toBe(fault);
    expect(String((errors[0]?.obj.err as Error | undefined)?.stack)).toContain('TypeError');
  });

  it('logFailure: MedicError at info with code and clipped reason; anything else at error', () => {
    const { logger, lines } = recordingLogger();
    logFailure(logger, new MedicError('site.unknown', `no site "${'x'.repeat(1000)}"`), { a: 1 }, 'm');
    logFailure(logger, new Error('boom'), { a: 2 }, 'n');
    expect(lines[0]).toMatchObject({ level: 'info', obj: { a: 1, code: 'site.unknown' }, msg: 'm' });
    expect(String(lines[0]?.obj.reason).length).toBe(300);
    expect(lines[0]?.obj).not.toHaveProperty('err');
    expect(lines[1]).toMatchObject({ level: 'error', obj: { a: 2, err: expect.any(Error) }, msg: 'n' });
  });
});
