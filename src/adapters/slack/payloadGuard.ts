import type { App, ReceiverEvent } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../../core/ports.js';

/**
 * The shapes of what Slack sends that Medic handles, checked before Bolt reads a field: Bolt
 * takes `body.user.id` of a click while routing it, before any middleware runs, so a signed
 * payload without `user` was an HTTP 500 from deep inside Bolt. Extra fields are fine (Slack
 * adds them all the time); the fields Medic reads must have their type, and ids and message
 * timestamps their Slack form (an id is pasted into `<@…>` mentions, so nothing else may pass).
 */
const id = z.string().regex(/^[A-Z0-9]{1,40}$/, 'a Slack id');
const ts = z.string().regex(/^\d{1,12}\.\d{1,8}$/, 'a message ts');
const text = z.string().max(40_000);

const authorization = z.looseObject({
  team_id: id.nullable().optional(),
  enterprise_id: id.nullable().optional(),
  is_enterprise_install: z.boolean().optional(),
});

const mentionEvent = z.looseObject({
  type: z.literal('app_mention'),
  user: id.optional(),
  text,
  ts,
  channel: id,
  thread_ts: ts.optional(),
});

const messageEvent = z.looseObject({
  type: z.literal('message'),
  channel: id,
  ts,
  subtype: z.string().max(100).optional(),
  text: text.optional(),
  user: id.optional(),
  bot_id: z.string().max(40).optional(),
  thread_ts: ts.optional(),
});

const eventCallback = z.looseObject({
  type: z.literal('event_callback'),
  team_id: id.optional(),
  authorizations: z.array(authorization).max(10).optional(),
  event: z.discriminatedUnion('type', [mentionEvent, messageEvent]),
});

const slashCommand = z.looseObject({
  command: z.string().regex(/^\/[\w-]{1,32}$/, 'a slash command'),
  text: z.string().max(8_000),
  user_id: id,
  channel_id: id,
  team_id: id,
  enterprise_id: id.optional(),
  response_url: z.url(),
  trigger_id: z.string().max(200).optional(),
});

const blockAction = z.looseObject({
  type: z.string().max(50),
  action_id: z.string().max(255),
  block_id: z.string().max(255),
  value: z.string().max(2000).optional(),
  action_ts: z.string().max(40).optional(),
});

const blockActions = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id, team_id: id.optional() }),
  team: z.looseObject({ id, enterprise_id: id.optional() }).nullable(),
  enterprise: z.looseObject({ id }).nullable().optional(),
  is_enterprise_install: z.boolean().optional(),
  channel: z.looseObject({ id }).optional(),
  container: z.looseObject({
    type: z.string().max(50),
    message_ts: ts.optional(),
    channel_id: id.optional(),
    thread_ts: ts.optional(),
    is_ephemeral: z.boolean().optional(),
  }),
  message: z
    .looseObject({
      ts,
      thread_ts: ts.optional(),
      text: text.optional(),
      blocks: z
        .array(z.looseObject({ type: z.string().max(50) }))
        .max(50)
        .optional(),
    })
    .optional(),
  response_url: z.url().optional(),
  // Slack sends one action per click; Bolt and Medic read the first.
  actions: z.array(blockAction).length(1),
});

export type PayloadVerdict =
  | { ok: true }
  /** `unexpected`: well-formed, but nothing Medic subscribes to; `malformed`: a field is missing or of the wrong type. */
  | { ok: false; kind: string; why: 'unexpected' | 'malformed'; problem: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function against(kind: string, schema: z.ZodType, body: unknown): PayloadVerdict {
  const r = schema.safeParse(body);
  if (r.success) return { ok: true };
  const issue = r.error.issues[0];
  const problem = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid';
  return { ok: false, kind, why: 'malformed', problem: problem.slice(0, 200) };
}

/**
 * May this body reach Bolt's listeners? Pure. It is classified the way Bolt routes it (an
 * `event` first, then `command`, options, `actions`), so what is checked is what Bolt reads.
 */
export function checkPayload(body: unknown): PayloadVerdict {
  const unexpected = (kind: string, problem: string): PayloadVerdict => ({
    ok: false,
    kind,
    why: 'unexpected',
    problem,
  });
  if (!isRecord(body)) return { ok: false, kind: 'unknown', why: 'malformed', problem: 'not an object' };
  if (body.event !== undefined) {
    const type = isRecord(body.event) ? body.event.type : undefined;
    if (type !== 'app_mention' && type !== 'message')
      return isRecord(body.event) && typeof type === 'string'
        ? unexpected('event', `event type ${type.slice(0, 50)} is not subscribed`)
        : { ok: false, kind: 'event', why: 'malformed', problem: 'event: not an event object' };
    return against('event', eventCallback, body);
  }
  if (body.command !== undefined) return against('slash command', slashCommand, body);
  if (body.name !== undefined || body.type === 'block_suggestion')
    return unexpected('options', 'Medic offers no option lists');
  if (body.actions !== undefined) return against('block_actions', blockActions, body);
  const type = typeof body.type === 'string' ? body.type.slice(0, 50) : 'untyped';
  return unexpected(type, 'not a payload Medic handles');
}

/**
 * Put `checkPayload` in front of Bolt: what fails it is acknowledged (Slack does not retry it,
 * Socket Mode gets its ack) and ignored with one log line; no listener sees it. Bolt's
 * receivers hand every request to `app.processEvent`, so the guard wraps that one method.
 */
export function guardPayloads(app: App, logger: Logger): void {
  const process = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const verdict = checkPayload(event.body);
    if (verdict.ok) return process(event);
    const fields = { kind: verdict.kind, problem: verdict.problem };
    if (verdict.why === 'malformed') logger.warn(fields, 'ignored a malformed Slack payload');
    else logger.info(fields, 'ignored a Slack payload Medic does not handle');
    await event.ack();
  };
}
