/** Signed requests to Medic's HTTP receiver, as Slack sends them. */
import { createHmac } from 'node:crypto';

export function sign(
  secret: string,
  body: string,
  ts = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig };
}

export async function post(
  port: number,
  body: string,
  contentType: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });
  return { status: res.status, text: await res.text() };
}

function eventCallback(event: Record<string, unknown> & { ts: string }) {
  return {
    token: 'x',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${event.ts.replace('.', '')}`,
    event_time: 1,
    event: { ...event, event_ts: event.ts },
  };
}

/** "@medic …" in a channel. */
export function mention(text: string, ts: string, channel = 'C1', user = 'U1') {
  return eventCallback({ type: 'app_mention', user, text, ts, channel });
}

/** A plain channel message (no mention). */
export function channelMessage(text: string, ts: string, channel = 'C1', user = 'U5') {
  return eventCallback({ type: 'message', channel_type: 'channel', user, text, ts, channel });
}

export function slashCommand(text: string, responseUrl: string, channel = 'C1', user = 'U1'): string {
  return new URLSearchParams({
    token: 'x',
    team_id: 'T1',
    channel_id: channel,
    user_id: user,
    command: '/medic',
    text,
    response_url: responseUrl,
    trigger_id: '1.2.3',
    api_app_id: 'A1',
  }).toString();
}

export function buttonClick(
  actionId: string,
  value: string,
  responseUrl: string,
  /** The thread the clicked message is in (or the clicked message itself, when `message` is not given). */
  messageTs: string,
  channel = 'C1',
  user = 'U2',
  /** The clicked message as Slack sends it (its own ts and blocks) and the button's block. */
  message?: { ts: string; blocks: unknown[]; blockId: string },
  /** The workspace Slack says the click came from. */
  team = 'T1',
): string {
  const ts = message?.ts ?? messageTs;
  const payload = {
    type: 'block_actions',
    team: { id: team },
    user: { id: user, team_id: team },
    api_app_id: 'A1',
    container: {
      type: 'message',
      message_ts: ts,
      channel_id: channel,
      is_ephemeral: false,
      thread_ts: messageTs,
    },
    channel: { id: channel },
    message: {
      ts,
      thread_ts: messageTs,
      text: 'x',
      ...(message ? { blocks: message.blocks } : {}),
    },
    response_url: responseUrl,
    trigger_id: '1.2.3',
    actions: [
      { type: 'button', action_id: actionId, block_id: message?.blockId ?? 'b', value, action_ts: '1' },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
