import type {
  CheckErrorFact,
  HostUnreachableFact,
  SourceFact,
  ToolMissingFact,
  UnparseableFact,
} from './facts/common.js';
import type {
  ContainerMemoryFact,
  ContainerMissingFact,
  ContainerPortMismatchFact,
  ContainerStateFact,
} from './facts/container.js';
import type {
  DnsFailureFact,
  DnsResolutionFact,
  FirewallBlockFact,
  FirewallSummaryFact,
  FirewallUnreadableFact,
  SiteProbeFact,
  UpstreamProbeFact,
} from './facts/network.js';
import type {
  NginxErrorsNoneFact,
  NginxTestDeniedFact,
  NginxTestFailedFact,
  NginxUpstreamErrorFact,
  NginxUpstreamsFact,
} from './facts/nginx.js';
import type {
  FpmLogOkFact,
  FpmPoolListenFact,
  FpmSaturatedFact,
  FpmSocketFact,
  FpmSocketMissingFact,
  FpmStatusFact,
  FpmStatusTimeoutFact,
} from './facts/phpFpm.js';
import type { Pm2AppFact, Pm2AppMissingFact, Pm2DaemonDownFact, Pm2MemoryFact } from './facts/pm2.js';
import type {
  DiskOkFact,
  DiskUsageFact,
  InodeUsageFact,
  MemInfo,
  OomKillFact,
  OomMoreFact,
  OomWindowFact,
} from './facts/resources.js';
import type { ListeningFact, PortFact, PortWrongAddressFact } from './facts/sockets.js';
import type { BackendEventFact, JournalQuietFact, UnitListFact, UnitStateFact } from './facts/unit.js';

/** How bad one observation is. `ok` findings are kept: they make the per-check table and rule out causes. */
export type Severity = 'ok' | 'info' | 'warn' | 'critical';

export const severityRank: Record<Severity, number> = { ok: 0, info: 1, warn: 2, critical: 3 };

/** The facts each kind of finding carries: one entry per kind, so every reader is typed. */
export interface FindingData {
  // about the check itself
  'tool-missing': ToolMissingFact;
  unparseable: UnparseableFact;
  'check-error': CheckErrorFact;
  'host-unreachable': HostUnreachableFact;
  // probes
  'site-probe': SiteProbeFact;
  'upstream-probe': UpstreamProbeFact;
  // systemd
  'unit-state': UnitStateFact;
  'unit-list': UnitListFact;
  'backend-event': BackendEventFact;
  'journal-quiet': JournalQuietFact;
  'journal-unreadable': SourceFact;
  // nginx
  'nginx-test-ok': Record<string, never>;
  'nginx-test-failed': NginxTestFailedFact;
  'nginx-test-denied': NginxTestDeniedFact;
  'nginx-upstreams': NginxUpstreamsFact;
  'nginx-upstream-error': NginxUpstreamErrorFact;
  'nginx-errors-none': NginxErrorsNoneFact;
  'nginx-errorlog-missing': SourceFact;
  'nginx-errorlog-unreadable': SourceFact;
  // php-fpm
  'fpm-socket-missing': FpmSocketMissingFact;
  'fpm-socket-ok': FpmSocketFact;
  'fpm-socket-not-socket': FpmSocketFact;
  'fpm-pool-listen': FpmPoolListenFact;
  'fpm-log-ok': FpmLogOkFact;
  'fpm-log-missing': SourceFact;
  'fpm-log-unreadable': SourceFact;
  'fpm-saturated': FpmSaturatedFact;
  'fpm-status': FpmStatusFact;
  'fpm-status-timeout': FpmStatusTimeoutFact;
  // sockets
  listening: ListeningFact;
  'port-listening': PortFact;
  'port-not-listening': PortFact;
  'port-wrong-address': PortWrongAddressFact;
  // resources
  memory: MemInfo;
  'disk-usage': DiskUsageFact;
  'inode-usage': InodeUsageFact;
  'disk-ok': DiskOkFact;
  'oom-kill': OomKillFact;
  'oom-none': OomWindowFact;
  'oom-unknown': OomWindowFact;
  'oom-kills-more': OomMoreFact;
  // network
  'firewall-block': FirewallBlockFact;
  'firewall-unreadable': FirewallUnreadableFact;
  'firewall-summary': FirewallSummaryFact;
  'dns-failure': DnsFailureFact;
  'dns-resolution': DnsResolutionFact;
  // containers and pm2
  'container-state': ContainerStateFact;
  'container-memory': ContainerMemoryFact;
  'container-port-mismatch': ContainerPortMismatchFact;
  'container-missing': ContainerMissingFact;
  'pm2-app': Pm2AppFact;
  'pm2-memory': Pm2MemoryFact;
  'pm2-app-missing': Pm2AppMissingFact;
  'pm2-daemon-down': Pm2DaemonDownFact;
}

export type FindingKind = keyof FindingData;

interface FindingBase {
  check: string;
  host: string;
  severity: Severity;
  summary: string;
  evidence: string[];
}

/**
 * One observation made by a check on one host: a union typed by `kind`, so `data` carries the
 * structured facts of that kind (the diagnosis reads them) and `evidence` the verbatim lines a
 * human reads.
 */
export type Finding<K extends FindingKind = FindingKind> = {
  [P in K]: FindingBase & { kind: P; data: FindingData[P] };
}[K];

/** Every kind, at run time (the table makes the compiler check it is complete). */
const kindTable: Record<FindingKind, true> = {
  'tool-missing': true,
  unparseable: true,
  'check-error': true,
  'host-unreachable': true,
  'site-probe': true,
  'upstream-probe': true,
  'unit-state': true,
  'unit-list': true,
  'backend-event': true,
  'journal-quiet': true,
  'journal-unreadable': true,
  'nginx-test-ok': true,
  'nginx-test-failed': true,
  'nginx-test-denied': true,
  'nginx-upstreams': true,
  'nginx-upstream-error': true,
  'nginx-errors-none': true,
  'nginx-errorlog-missing': true,
  'nginx-errorlog-unreadable': true,
  'fpm-socket-missing': true,
  'fpm-socket-ok': true,
  'fpm-socket-not-socket': true,
  'fpm-pool-listen': true,
  'fpm-log-ok': true,
  'fpm-log-missing': true,
  'fpm-log-unreadable': true,
  'fpm-saturated': true,
  'fpm-status': true,
  'fpm-status-timeout': true,
  listening: true,
  'port-listening': true,
  'port-not-listening': true,
  'port-wrong-address': true,
  memory: true,
  'disk-usage': true,
  'inode-usage': true,
  'disk-ok': true,
  'oom-kill': true,
  'oom-none': true,
  'oom-unknown': true,
  'oom-kills-more': true,
  'firewall-block': true,
  'firewall-unreadable': true,
  'firewall-summary': true,
  'dns-failure': true,
  'dns-resolution': true,
  'container-state': true,
  'container-memory': true,
  'container-port-mismatch': true,
  'container-missing': true,
  'pm2-app': true,
  'pm2-memory': true,
  'pm2-app-missing': true,
  'pm2-daemon-down': true,
};

export const findingKinds = Object.keys(kindTable) as FindingKind[];

/** Narrow a finding to one kind. */
export function isKind<K extends FindingKind>(f: Finding, kind: K): f is Extract<Finding, { kind: K }> {
  return f.kind === kind;
}
