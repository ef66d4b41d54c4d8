import type { FindingKind } from '../model/finding.js';

/**
 * Who reads each kind of finding: a hop of the chain or a rule (the file under src/core/diagnosis
 * that does), or — for the kinds that only tell what is fine or fill the per-check table — why
 * they are context. A test holds every kind to it: a new kind read by nobody fails.
 */
export type FindingUse = { readBy: string[] } | { context: string };

const blind = { readBy: ['blindSpots.ts'] };

export const findingUse: Record<FindingKind, FindingUse> = {
  'tool-missing': blind,
  unparseable: blind,
  'check-error': blind,
  'host-unreachable': { readBy: ['blindSpots.ts', 'rules/hostRules.ts', 'chain/examineLink.ts'] },
  'site-probe': { readBy: ['verdict.ts', 'diagnose.ts'] },
  'upstream-probe': { readBy: ['symptoms.ts', 'rules/networkRules.ts'] },
  'unit-state': { readBy: ['chain/ownerState.ts', 'rules/unitRules.ts'] },
  'unit-list': { readBy: ['topology/buildTopology.ts'] },
  'backend-event': { readBy: ['chain/backendAccount.ts'] },
  'journal-quiet': {
    context: 'the journal was read and holds no crash, timeout or kill: the account is known, not assumed',
  },
  'journal-unreadable': blind,
  'nginx-test-ok': { context: 'the gateway config is valid: the per-check table says so' },
  'nginx-test-failed': { readBy: ['rules/nginxRules.ts'] },
  'nginx-test-denied': blind,
  'nginx-upstreams': {
    readBy: ['topology/buildTopology.ts', 'chain/responseCauses.ts', 'chain/gatewayCauses.ts'],
  },
  'nginx-upstream-error': { readBy: ['siteErrors.ts'] },
  'nginx-errors-none': { context: 'the gateway log was read and holds no upstream error in the window' },
  'nginx-errorlog-missing': blind,
  'nginx-errorlog-unreadable': blind,
  'fpm-socket-missing': { readBy: ['rules/phpFpmRules.ts'] },
  'fpm-socket-ok': { readBy: ['chain/examineLink.ts'] },
  'fpm-socket-not-socket': { readBy: ['rules/phpFpmRules.ts'] },
  'fpm-pool-listen': { readBy: ['chain/brokenListener.ts'] },
  'fpm-log-ok': { readBy: ['diagnose.ts'] },
  'fpm-log-missing': blind,
  'fpm-log-unreadable': blind,
  'fpm-saturated': { readBy: ['chain/responseCauses.ts', 'rules/phpFpmRules.ts'] },
  'fpm-status': { readBy: ['chain/responseCauses.ts', 'rules/phpFpmRules.ts'] },
  'fpm-status-timeout': { readBy: ['chain/responseCauses.ts', 'rules/phpFpmRules.ts'] },
  listening: { readBy: ['topology/buildTopology.ts', 'topology/ownerHost.ts', 'symptoms.ts'] },
  'port-listening': { context: 'a port the site needs listens: the per-check table says so' },
  'port-not-listening': { readBy: ['rules/networkRules.ts'] },
  'port-wrong-address': { readBy: ['rules/networkRules.ts'] },
  memory: { readBy: ['rules/resourceRules.ts'] },
  'disk-usage': { readBy: ['rules/resourceRules.ts'] },
  'inode-usage': { readBy: ['rules/resourceRules.ts'] },
  'disk-ok': { context: 'every disk has room: the per-check table says so' },
  'oom-kill': { readBy: ['chain/backendAccount.ts', 'topology/buildTopology.ts', 'rules/resourceRules.ts'] },
  'oom-none': { context: 'the kernel log was read and holds no OOM kill of this host' },
  'oom-unknown': blind,
  'oom-kills-more': { context: 'a count of kills older than those listed' },
  'firewall-block': { readBy: ['chain/examineLink.ts', 'rules/networkRules.ts'] },
  'firewall-unreadable': blind,
  'firewall-summary': { context: 'what the firewalls allow: the per-check table says so' },
  'dns-failure': { readBy: ['chain/examineLink.ts', 'rules/networkRules.ts'] },
  'dns-resolution': { readBy: ['topology/ownerHost.ts', 'symptoms.ts'] },
  'container-state': { readBy: ['chain/ownerState.ts', 'rules/containerRules.ts'] },
  'container-memory': { readBy: ['rules/containerRules.ts'] },
  'container-port-mismatch': { readBy: ['rules/containerRules.ts'] },
  'container-missing': { readBy: ['rules/containerRules.ts'] },
  'pm2-app': { readBy: ['chain/ownerState.ts', 'rules/pm2Rules.ts'] },
  'pm2-memory': { readBy: ['rules/pm2Rules.ts'] },
  'pm2-app-missing': { readBy: ['chain/ownerState.ts', 'rules/pm2Rules.ts'] },
  'pm2-daemon-down': { readBy: ['chain/ownerState.ts', 'rules/pm2Rules.ts'] },
};
