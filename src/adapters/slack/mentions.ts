import { clip, escapeMrkdwn } from './blockLimits.js';

/**
 * Slack mentions and channel links, only ever made from ids Slack itself gave (a user who
 * clicked, a channel a command came from). Anything else, whatever it looks like, is shown as
 * escaped text: no string from a message, the inventory or a remote host can ping anyone.
 */
const userId = /^[UW][A-Z0-9]{1,20}$/;
const channelId = /^[CGD][A-Z0-9]{1,20}$/;

/** `<@U123>` for a Slack user id; escaped text for any other actor (`console`, `schedule:x`). */
export const userMention = (id: string): string =>
  userId.test(id) ? `<@${id}>` : escapeMrkdwn(clip(id, 100));

/** `<#C123>` for a Slack channel id; escaped text for anything else. */
export const channelLink = (id: string): string =>
  channelId.test(id) ? `<#${id}>` : escapeMrkdwn(clip(id, 100));
