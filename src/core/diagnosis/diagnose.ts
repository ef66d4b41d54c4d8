import type { ActionIntent } from '../model/action.js';
import type { DiagnosedCause as Cause } from '../model/cause.js';
import type { SiteStatus } from '../model/report.js';
import type { DiagnosisContext, Rule } from './rule.js';
import { containerRules } from './rules/containerRules.js';
import { hostRules } from './rules/hostRules.js';
import { networkRules } from './rules/networkRules.js';
import { nginxRules } from './rules/nginxRules.js';
import { phpFpmRules } from './rules/phpFpmRules.js';
import { pm2Rules } from './rules/pm2Rules.js';
import { resourceRules } from './rules/resourceRules.js';
import { unitRules } from './rules/unitRules.js';

export const defaultRules: Rule[] = [
  hostRules,
  unitRules,
  containerRules,
  pm2Rules,
  phpFpmRules,
  resourceRules,
  networkRules,
  nginxRules,
];

const explainsRefused = new Set<Cause['id']>([
  'upstream-down',
  'upstream-crashing',
  'upstream-socket-missing',
  'upstream-socket-permission',
  'upstream-port-mismatch',
  'upstream-saturated',
  'container-down',
  'container-unhealthy',
  'oom-killed',
  'firewall-block',
  'proxy-misconfig',
]);

export interface Diagnosis {
  status: SiteStatus;
  /** Ranked; each with the intents of what to do about it. */
  causes: Cause[];
}

/** Intents without repeats (the same kind, host and params, or the same manual step). */
export function uniqueIntents(list: ActionIntent[]): ActionIntent[] {
  const key = (i: ActionIntent) =>
    i.manual ? i.id : `${i.kind}|${i.host}|${i.name ?? ''}|${JSON.stringify(i.params)}`;
  return [...new Map(list.map((i) => [key(i), i])).values()];
}

function merge(causes: Cause[]): Cause[] {
  const byKey = new Map<string, Cause>();
  for (const c of causes) {
    // Same cause, same hosts, same subject (title): two blocked ports stay two causes.
    const key = `${c.id}|${[...c.hosts].sort().join(',')}|${c.title}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, c);
      continue;
    }
    const [hi, lo] = prev.confidence >= c.confidence ? [prev, c] : [c, prev];
    byKey.set(key, {
      ...hi,
      evidence: [...new Set([...hi.evidence, ...lo.evidence])].slice(0, 10),
      intents: uniqueIntents([...hi.intents, ...lo.intents]),
    });
  }
  return [...byKey.values()];
}

/** Findings → ranked probable causes with evidence, the site status and the proposed actions. */
export function diagnose(ctx: DiagnosisContext, rules: Rule[] = defaultRules): Diagnosis {
  // A generic "nginx cannot connect" cause only counts when nothing explains refused
  // connections more specifically (an unrelated memory or DNS cause does not).
  let causes = merge(rules.flatMap((r) => r(ctx)));
  const generic = (c: Cause) => c.id === 'upstream-down' && c.title.startsWith('nginx cannot connect');
  if (causes.some((c) => !generic(c) && c.confidence >= 0.5 && explainsRefused.has(c.id))) {
    causes = causes.filter((c) => !generic(c));
  }
  causes.sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));

  const probe = ctx.findings.find((f) => f.kind === 'site-probe');
  // Some findings need attributing to the site first (a shared gateway's error log, a shared
  // kernel's OOM kills): those count through the causes the rules built from them, not directly.
  const needsAttribution = new Set(['nginx-upstream-error', 'oom-kill', 'firewall-block']);
  const critical = ctx.findings.some((f) => f.severity === 'critical' && !needsAttribution.has(f.kind));
  const status: SiteStatus = ctx.siteFailing
    ? 'down'
    : critical || causes.some((c) => c.confidence >= 0.5)
      ? 'degraded'
      : 'healthy';

  if (causes.length === 0) {
    causes.push({
      id: 'no-fault-found',
      title: ctx.siteFailing
        ? 'the site fails but no check found why: look at the application log'
        : 'no fault found',
      confidence: ctx.siteFailing ? 0.2 : 0.9,
      evidence: probe ? probe.evidence : [],
      hosts: [],
      intents: [],
    });
  }
  return { status, causes };
}
