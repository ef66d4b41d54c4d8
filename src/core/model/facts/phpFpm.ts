/** php-fpm: its socket, its pools' listen settings, its log and its status page. */

export interface FpmSocketMissingFact {
  socket: string;
  /** Other sockets in the same directory. */
  others: string[];
}

export interface FpmSocketFact {
  socket: string;
  owner: string;
  group: string;
  mode: string;
  type?: string;
}

export interface PoolListen {
  file: string;
  value: string;
  owner?: string;
  group?: string;
  mode?: string;
}

export interface FpmPoolListenFact {
  listen: PoolListen[];
  /** Whether the configured socket is one a pool listens on (null when none was configured). */
  socketListed: boolean | null;
}

export interface FpmLogOkFact {
  log: string;
  linesInWindow: number;
}

export interface FpmSaturatedFact {
  count: number;
  pool: string;
  maxChildren: number | null;
}

/** The fields Medic reads from php-fpm's status page (`?json`). */
export interface FpmStatus {
  pool: string;
  listenQueue: number;
  maxListenQueue: number;
  idle: number;
  active: number;
  total: number;
  maxChildrenReached: number;
  slowRequests: number;
}

export interface FpmStatusFact extends FpmStatus {
  saturatedNow: boolean;
  statusUrl: string;
}

export interface FpmStatusTimeoutFact {
  statusUrl: string;
}
