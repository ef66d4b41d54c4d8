/** A message that carries the buttons of a pending action, as the chat posted it. */
export interface PostedMessage {
  channel: string;
  ts: string;
  /** The thread it was posted in, if any. */
  threadTs?: string | undefined;
}

/** Where a chat click came from, as the chat says (nothing of it is trusted until checked). */
export interface ClickPlace {
  /** The workspace of the click, and the one Medic is installed in. */
  team: string | undefined;
  installedTeam: string | undefined;
  channel: string | undefined;
  /** The clicked message, and the thread it is in. */
  messageTs: string | undefined;
  threadTs: string | undefined;
}

export type PlaceRefusal = { code: 'wrong-team' | 'wrong-channel' | 'wrong-message'; message: string };

/**
 * May a click from `click` decide `pending`? Pure. Only from the workspace Medic is installed
 * in, and only on a message that carries the action's buttons: one Medic recorded when it
 * posted them (`posted`: the report, in every thread that got it). A pending action with none
 * recorded (proposed before they were, or the record failed) is bound to the channel and thread
 * it was proposed for.
 */
export function checkClickPlace(
  /** Where the pending action was proposed (a chat channel and thread). */
  pending: { channel?: string | undefined; threadTs?: string | undefined },
  posted: readonly PostedMessage[],
  click: ClickPlace,
): PlaceRefusal | undefined {
  if (!click.installedTeam || click.team !== click.installedTeam)
    return {
      code: 'wrong-team',
      message: 'this button belongs to another Slack workspace; nothing was done',
    };
  const places: Array<{ channel: string; ts?: string | undefined; threadTs?: string | undefined }> =
    posted.length > 0
      ? [...posted]
      : pending.channel
        ? [{ channel: pending.channel, threadTs: pending.threadTs }]
        : [];
  const here = places.filter((p) => p.channel === click.channel);
  if (here.length === 0)
    return {
      code: 'wrong-channel',
      message: 'this action was proposed in another channel; nothing was done',
    };
  const onIt = here.some((p) =>
    p.ts !== undefined
      ? click.messageTs === p.ts
      : p.threadTs !== undefined && (click.threadTs === p.threadTs || click.messageTs === p.threadTs),
  );
  if (!onIt)
    return {
      code: 'wrong-message',
      message: 'this button is not on the report that proposed the action; nothing was done',
    };
  return undefined;
}
