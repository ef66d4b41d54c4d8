import type { Inventory } from '../model/inventory.js';
import type { Report } from '../model/report.js';
import type {
  Clock,
  ContainerEngineFactory,
  HttpProber,
  Logger,
  RunOrigin,
  Store,
  TransportFactory,
} from '../ports.js';
import type { RemediationPolicy } from './remediationPolicy.js';
import type { RemediationStore } from './remediationStore.js';

/** Everything remediation needs from outside the core, passed in. */
export interface RemediatorDeps {
  inventory: Inventory;
  policy: RemediationPolicy;
  store: RemediationStore;
  reports: Store;
  transports: TransportFactory;
  containers: ContainerEngineFactory;
  http: HttpProber;
  /** A fresh, stored diagnosis of a site (verification, next steps), by its default playbook or `playbook`. */
  diagnose(site: string, origin: RunOrigin, playbook?: string): Promise<Report>;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  newId(): string;
  logger: Logger;
}
