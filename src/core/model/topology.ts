/**
 * How a request for a site travels, as Medic discovered it: gateway → pass target → listener →
 * process → the systemd unit, pm2 app or container that owns it. Neutral data, built from the
 * findings of the topology checks (gateway config, listening sockets, processes).
 */

/** Where a gateway passes requests: a unix socket, a TCP address, or one only known at run time. */
export type TargetAddress =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'dynamic'; text: string };

export interface PassTarget {
  /** `unix:/run/php/php8.2-fpm.sock`, `127.0.0.1:8080`, or the raw value for a dynamic one. */
  id: string;
  /** The inventory host whose gateway passes to it. */
  gateway: string;
  /** `proxy_pass`, `fastcgi_pass`, … or `upstreams` for one declared in medic.yaml. */
  directive: string;
  /** `http`, `https`, `fastcgi`, `uwsgi`, `scgi`, `grpc`, `grpcs`. */
  scheme: string;
  address: TargetAddress;
  /** The upstream group it is a member of, when the pass named one. */
  group?: string;
  /** The location block that passes to it (`/`, `~ \.php$`), when one does. */
  location?: string;
  /** Whether the site's own probe request reaches it (its location matches the probe's path). */
  onProbePath: boolean;
  /** From the gateway config, from medic.yaml, or named only by a gateway error line. */
  source: 'config' | 'declared' | 'log';
}

/** A socket that listens, with the process that holds it. */
export interface ListenerView {
  host: string;
  /** `0.0.0.0:8080`, `127.0.0.1:9000` or a socket path. */
  address: string;
  pid?: number;
  process?: string;
  /** The verbatim `ss` line. */
  line: string;
}

/** Who runs the process behind a listener (or who should, when nobody listens). */
export type OwnerView =
  | { kind: 'unit'; host: string; unit: string }
  | { kind: 'pm2'; host: string; user: string; pid?: number; app?: string }
  | { kind: 'container'; host: string; id?: string; name?: string; port?: number }
  | { kind: 'process'; host: string; pid: number; command: string };

export type ListenerHop =
  | { state: 'listening'; listeners: ListenerView[] }
  /** Nothing listens there; `alternatives` are listeners of the same kind of service elsewhere. */
  | { state: 'absent'; alternatives: ListenerView[] }
  /** Something listens on the port, but only on addresses the target does not use. */
  | { state: 'wrong-address'; listeners: ListenerView[] }
  | { state: 'unknown'; reason: string };

/** One pass target followed down to the service behind it. */
export interface TargetLink {
  target: PassTarget;
  /** The inventory host that owns the target's address, when Medic knows it. */
  ownerHost?: string;
  /** How that host was found: loopback, one of its addresses, a declared upstream, its name. */
  ownerHostWhy?: string;
  listener: ListenerHop;
  process?: { pid: number; user?: string; command?: string };
  owner?: OwnerView;
  /**
   * Who should serve a target nobody listens on, with what links them to it. `viaKill`: only a
   * recent kernel OOM kill of the unit on that host links it (its state must confirm it).
   */
  candidates: Array<OwnerView & { why: string; viaKill?: true }>;
}

/** A gateway that serves the site's name, and the server block that does. */
export interface GatewayView {
  host: string;
  serverNames: string[];
  listen: string[];
  /** Where the block is (`/etc/nginx/sites-enabled/shop:2`), when the config says. */
  at?: string;
  /** The error logs that hold this site's upstream errors. */
  errorLogs: string[];
}

export interface SiteTopology {
  gateways: GatewayView[];
  links: TargetLink[];
}
