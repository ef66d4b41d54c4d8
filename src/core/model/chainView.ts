import type { GatewayView } from './topology.js';

export type HopState = 'ok' | 'broken' | 'unknown';

/** One hop of a request's path as the report shows it. */
export interface ChainHop {
  kind: 'site' | 'gateway' | 'target' | 'listener' | 'process' | 'unit' | 'pm2' | 'container' | 'missing';
  /** `shop.example.com`, `nginx@web1`, `unix:/run/php/php8.1-fpm.sock`, `php8.2-fpm.service@web1`. */
  label: string;
  state: HopState;
  /** What is wrong here, or what is there instead (`php8.2-fpm.service listens on …`). */
  note?: string;
}

/** The path of requests to one pass target, hop by hop, as the diagnosis judged it. */
export interface ChainView {
  target: string;
  /** The location that passes to it, when a location block does. */
  location?: string;
  /** Whether the site's own probe request travels this path. */
  onProbePath: boolean;
  hops: ChainHop[];
}

/** The discovered topology of a report: the gateways and each chain. */
export interface ReportTopology {
  gateways: GatewayView[];
  chains: ChainView[];
}
