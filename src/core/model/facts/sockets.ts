/** Listening sockets (`ss -ltnp`, `ss -lxp`) and the ports the site needs on a host. */

/**
 * Who runs the process that holds a socket, as its cgroup and its ancestors say: a systemd unit,
 * a pm2 daemon, a container (or Docker's port proxy for one), a login session, or nobody known.
 */
export type ListenerOwnerRef =
  | { kind: 'unit'; unit: string }
  | { kind: 'pm2'; user: string; daemonPid: number }
  | { kind: 'container'; id?: string; hostPort?: number; containerIp?: string; containerPort?: number }
  | { kind: 'session' }
  | { kind: 'unknown' };

export interface ListenerOwner {
  process?: string;
  pid?: number;
  /** The user the process runs as, from the process table. */
  user?: string;
  /** Its command line (redacted, at most 200 characters). */
  command?: string;
  owner?: ListenerOwnerRef;
  /** The verbatim `ss` line. */
  line?: string;
}

export interface TcpListenerFact extends ListenerOwner {
  /** Local address as ss shows it, without brackets: `0.0.0.0`, `*`, `::`, `127.0.0.1%lo`. */
  address: string;
  port: number;
}

export interface UnixListenerFact extends ListenerOwner {
  /** Socket path; abstract sockets start with `@`. */
  path: string;
}

export interface ListeningFact {
  tcp: TcpListenerFact[];
  unix: UnixListenerFact[];
  /** The host's own addresses (`ip -o addr`), to tell which host a gateway's target is on. */
  addresses: string[];
}

export interface PortFact {
  port: number;
  process?: string;
  address?: string;
}

export interface PortWrongAddressFact extends PortFact {
  addresses: string[];
  upstreamHost: string;
}
