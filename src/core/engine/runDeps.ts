import type { Clock, ContainerEngineFactory, HttpProber, Logger, TransportFactory } from '../ports.js';

export interface RunDeps {
  transports: TransportFactory;
  http: HttpProber;
  /** Container engines per host (Docker); without it, container checks report an error. */
  containers?: ContainerEngineFactory;
  clock: Clock;
  logger: Logger;
  /** Waits between probes; real timers unless a test passes its own. */
  sleep?: (ms: number) => Promise<void>;
}
