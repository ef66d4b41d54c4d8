/** Why Medic could not look at something. */
export type BlindReason =
  | 'timeout'
  | 'permission'
  | 'missing-tool'
  | 'missing-source'
  | 'channel-refused'
  | 'unreachable'
  | 'unparseable'
  | 'not-in-inventory'
  | 'error';

/**
 * Something a check could not see. A blind spot is never `ok`: it is listed in the report, and
 * one on the request's path keeps the verdict from being `healthy`.
 */
export interface BlindSpot {
  host: string;
  check: string;
  /** What could not be seen, e.g. "the nginx error log /var/log/nginx/error.log". */
  what: string;
  reason: BlindReason;
  /** Safe to show: the tool's own words or Medic's. */
  message: string;
  /** On the request's path (gateway, target, listener, owner): caps the verdict at `unknown`. */
  onPath: boolean;
}
