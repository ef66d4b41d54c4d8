import type { ActionIntent } from '../model/action.js';
import type { BlindSpot } from '../model/blindSpot.js';
import type { DiagnosedCause as Cause } from '../model/cause.js';
import type { ChainView } from '../model/chainView.js';
import { type Finding, isKind } from '../model/finding.js';
import type { HealthBasis, SiteStatus } from '../model/report.js';
import type { TargetLink } from '../model/topology.js';
import { blindSpotsOf } from './blindSpots.js';
import { lines, makeCause, naiveTime } from './chain/causeKit.js';
import { chainView } from './chain/chainView.js';
import { examineLink, type LinkVerdict } from './chain/examineLink.js';
import { unclaimedCauses, unexplained } from './chain/gatewayCauses.js';
import { ownerStart } from './chain/ownerState.js';
import type { DiagnosisContext, Rule } from './rule.js';
import { contextRules } from './rules/contextRules.js';
import { attributeSymptoms, type LinkSymptoms } from './symptoms.js';
import { healthBasis, statusOf } from './verdict.js';

export interface Diagnosis {
  status: SiteStatus;
  /** Ranked; each with the intents of what to do about it. */
  causes: Cause[];
  chains: ChainView[];
  blindSpots: BlindSpot[];
  basis: HealthBasis;
}

/**
 * A verdict that rests only on old lines about a path that works now (it listens, nothing failed
 * through it in the last seconds) is history: kept, with when it was last seen, but it no longer
 * makes the site degraded — a fix would otherwise never verify.
 */
function current(
  ctx: DiagnosisContext,
  v: LinkVerdict,
  link: TargetLink,
  s: LinkSymptoms,
  failingThrough: boolean,
): LinkVerdict {
  if (!v.cause || failingThrough || link.listener.state !== 'listening') return v;
  if (v.broken !== 'response' && v.broken !== 'gateway' && v.broken !== 'owner') return v;
  const since = ownerStart(ctx, link);
  const fresh = s.errors.filter(
    (e) => e.data.fresh > 0 && (since === undefined || naiveTime(e.data.last) > since),
  );
  if (s.probes.length > 0 || fresh.length > 0) return v;
  const last = s.errors
    .map((e) => e.data.last)
    .sort()
    .at(-1);
  if (!last) return v;
  return {
    ...v,
    cause: { ...v.cause, confidence: 0.42, title: `${v.cause.title} (last seen ${last}, not since)` },
  };
}

/** Intents without repeats (the same kind, host and params, or the same manual step). */
export function uniqueIntents(list: ActionIntent[]): ActionIntent[] {
  const key = (i: ActionIntent) =>
    i.manual ? i.id : `${i.kind}|${i.host}|${i.name ?? ''}|${JSON.stringify(i.params)}`;
  return [...new Map(list.map((i) => [key(i), i])).values()];
}

/** Same cause, same hosts, same subject (title): two blocked ports stay two causes. */
function merge(causes: Cause[]): Cause[] {
  const byKey = new Map<string, Cause>();
  for (const c of causes) {
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

/**
 * A context cause about what the chain already judged (the same host, sharing an evidence line)
 * adds nothing: the chain looked further along the same path.
 */
function restates(chain: Cause[], c: Cause): boolean {
  return chain.some(
    (x) => x.hosts.some((h) => c.hosts.includes(h)) && c.evidence.some((e) => x.evidence.includes(e)),
  );
}

/**
 * Findings → the site's verdict. Every target of the site's topology is walked hop by hop and its
 * first broken hop is its cause; a gateway error line no target claims becomes its own cause; the
 * context (hosts out of reach, resources, declared services) adds what the chain does not say.
 * A failing site with nothing broken below the gateway is the application's own error. What
 * could not be seen is listed, and caps the status.
 */
export function diagnose(ctx: DiagnosisContext, rules: Rule[] = contextRules): Diagnosis {
  const attribution = attributeSymptoms(ctx);
  const chainCauses: Cause[] = [];
  /** Causes that only restate a symptom: a context cause that explains it replaces them. */
  const bare: Cause[] = [];
  const history = new Set<Finding>();
  const chains: ChainView[] = [];
  const names = ctx.site.hostHeader ?? new URL(ctx.site.url).hostname;
  for (const link of ctx.topology.links) {
    const s = attribution.of(link);
    const failingThrough = ctx.siteFailing && link.target.onProbePath;
    // A target only old error lines name (the config has moved on, nothing fails there now) is history.
    const stale = link.target.source === 'log' && !s.errors.some((e) => e.data.fresh > 0);
    const v = stale
      ? {}
      : current(
          ctx,
          examineLink(ctx, link, s, failingThrough && link.target.source !== 'log'),
          link,
          s,
          failingThrough,
        );
    // Lines logged before the owner (re)started are the outage that start ended.
    const since = ownerStart(ctx, link);
    for (const e of s.errors) if (since !== undefined && naiveTime(e.data.last) <= since) history.add(e);
    if (v.cause) chainCauses.push(v.cause);
    else
      for (const e of s.errors.filter(
        (x) => x.severity === 'critical' && x.data.fresh > 0 && !history.has(x),
      ))
        bare.push(unexplained(e, ctx.siteFailing));
    chains.push(chainView(names, link, v));
  }
  const gateway = unclaimedCauses(ctx, attribution.unattributed);
  const context = rules.flatMap((r) => r(ctx)).filter((c) => !restates(chainCauses, c));
  const symptomsOnly = [...bare, ...gateway].filter(
    (c) => !(c.id === 'unexplained-symptom' || c.confidence < 0.7) || !restates(context, c),
  );
  const causes = merge([...chainCauses, ...symptomsOnly, ...context]);
  causes.sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));

  const basis = healthBasis(ctx, history);
  const checks = ctx.checks ?? [];
  const blindSpots = blindSpotsOf(ctx.findings, checks, ctx.topology, ctx.declaredGateways ?? []);
  const probe = ctx.findings.find((f): f is Finding<'site-probe'> => isKind(f, 'site-probe'));
  if (causes.length === 0 && probe && basis.failedProbes > 0 && blindSpots.every((b) => !b.onPath)) {
    causes.push(applicationError(ctx, probe, basis));
  }
  const status = statusOf(basis, causes, blindSpots);
  if (causes.length === 0) causes.push(emptyVerdict(status, basis, blindSpots, probe));
  return { status, causes, chains, blindSpots, basis };
}

/** Nothing below the gateway is broken, yet the site fails: the application answers so itself. */
function applicationError(ctx: DiagnosisContext, probe: Finding<'site-probe'>, b: HealthBasis): Cause {
  const logs = ctx.topology.links.flatMap((l) =>
    l.owner?.kind === 'unit'
      ? [`journalctl -u ${l.owner.unit} on ${l.owner.host}`]
      : l.owner?.kind === 'pm2'
        ? [`pm2 logs (${l.owner.user}) on ${l.owner.host}`]
        : [],
  );
  const fpm = ctx.findings.flatMap((f) => (isKind(f, 'fpm-log-ok') ? [`${f.data.log} on ${f.host}`] : []));
  const where = [...new Set([...fpm, ...logs])];
  const status = probe.data.status;
  return makeCause(
    'application-error',
    `the gateway and the backend are up, yet the site answers ${status ?? 'an error'} (${b.failedProbes} of ${b.probes} probes): the application's own error${where.length ? `; see ${where.slice(0, 2).join(', ')}` : ''}`,
    0.5,
    lines([probe]),
    ctx.topology.links.flatMap((l) => (l.ownerHost ? [l.ownerHost] : [])),
  );
}

/** The only cause when none stands: no fault (healthy), the blind spots (unknown), or the bare symptom. */
function emptyVerdict(
  status: SiteStatus,
  b: HealthBasis,
  blind: BlindSpot[],
  probe?: Finding<'site-probe'>,
): Cause {
  if (status === 'healthy')
    return makeCause('no-fault-found', 'no fault found', 0.9, probe?.evidence ?? [], []);
  const onPath = blind.filter((s) => s.onPath);
  if (onPath.length > 0) {
    const what = onPath
      .slice(0, 3)
      .map((s) => `${s.what} on ${s.host} (${s.reason})`)
      .join(', ');
    return makeCause(
      'blind-spot',
      `Medic could not see ${what}`,
      0.3,
      onPath.map((s) => `${s.host}: ${s.message}`),
      [...new Set(onPath.map((s) => s.host))],
    );
  }
  return makeCause(
    'unexplained-symptom',
    b.failedProbes > 0
      ? `${b.failedProbes} of ${b.probes} probes failed and no hop of the path explains it`
      : `the gateways logged ${b.recentGatewayErrors} upstream errors in ${b.recentSeconds} s and no hop explains them`,
    0.3,
    probe?.evidence ?? [],
    [],
  );
}
