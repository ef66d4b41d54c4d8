/** Where a run came from, stored with its report. */
export interface RunOrigin {
  trigger: 'cli' | 'console' | 'slack' | 'schedule';
  requestedBy?: string;
  channel?: string;
  threadTs?: string;
  /** The requester's chat user groups, when the adapter looked them up (authorization). */
  groups?: string[];
}
