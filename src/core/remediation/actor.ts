import type { ClickPlace } from './buttonPlace.js';

/** Who clicked: a chat user id and the user groups they belong to (resolved by the adapter). */
export interface Actor {
  userId: string;
  groups: readonly string[];
  /** Where a chat click came from: it must be a message that carries the action's buttons. */
  click?: ClickPlace;
}
