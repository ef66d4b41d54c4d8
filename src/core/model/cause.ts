import type { ActionIntent, ProposedAction } from './action.js';

export const causeIds = [
  'upstream-down',
  'upstream-crashing',
  'upstream-socket-missing',
  'upstream-socket-permission',
  'upstream-port-mismatch',
  'upstream-saturated',
  'upstream-timeout',
  'container-down',
  'container-unhealthy',
  'oom-killed',
  'memory-exhausted',
  'disk-full',
  'inodes-full',
  'firewall-block',
  'dns-failure',
  'proxy-misconfig',
  'host-unreachable',
  'upstream-bad-response',
  'upstream-header-too-big',
  'upstream-tls',
  'gateway-limits',
  'gateway-down',
  'network-unreachable',
  'application-error',
  'unexplained-symptom',
  'blind-spot',
  'no-fault-found',
] as const;
export type CauseId = (typeof causeIds)[number];

interface CauseBase {
  id: CauseId;
  title: string;
  confidence: number;
  evidence: string[];
  hosts: string[];
}

/** A probable cause, ranked by confidence (0..1), with the evidence lines that support it. */
export interface Cause extends CauseBase {
  actions: ProposedAction[];
}

/** A cause as the diagnosis states it: what to do is an intent; remediation makes it a proposal. */
export interface DiagnosedCause extends CauseBase {
  intents: ActionIntent[];
}
