/** Firewalls, name resolution, and HTTP probes (through the gateway and straight to upstreams). */

export type FirewallTool = 'ufw' | 'iptables' | 'nft';

export interface FirewallBlockFact {
  port: number;
  tool: FirewallTool;
  /** The rule (or chain policy) that blocks, verbatim. */
  rule: string;
  action: 'drop' | 'reject';
  tools: FirewallTool[];
}

export interface FirewallUnreadableFact {
  tool: FirewallTool;
  reason: 'permission' | 'timeout' | 'error';
  exitCode: number | null;
}

export interface FirewallSummaryFact {
  ufw: string;
  iptablesRules: number;
  nftRules: number;
  wantedPorts: number[];
}

export interface DnsFailureFact {
  name: string;
  exitCode: number | null;
}

export interface DnsResolutionFact {
  name: string;
  addresses: string[];
}

/** One probe of the site through the gateway. */
export interface ProbeSample {
  status: number | null;
  durationMs: number;
  /** The error code when no HTTP answer came (refused, timeout, …). */
  error: string | null;
  /** Whether the answer counts as healthy. */
  ok: boolean;
}

/** The probes of the site through the gateway; the fields of the first failing one (else the first). */
export interface SiteProbeFact {
  url: string;
  status: number | null;
  durationMs: number;
  server: string | null;
  error: string | null;
  samples: ProbeSample[];
  /** How many of the samples failed. */
  failed: number;
}

export type ProbeError = 'refused' | 'timeout' | 'dns' | 'empty-reply' | 'reset' | 'other';

export interface UpstreamProbeFact {
  url: string;
  upstreamHost?: string;
  status: number | null;
  error?: ProbeError;
  curlExit: number | null;
  seconds?: number;
}
