/** Listening sockets (`ss -ltnp`, `ss -lxp`) and the ports the site needs on a host. */

export interface ListenerOwner {
  process?: string;
  pid?: number;
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
