import type { DiagnosedCause } from '../../model/cause.js';
import { type Finding, isKind } from '../../model/finding.js';
import type { TargetLink } from '../../model/topology.js';
import { intents } from '../intents.js';
import type { DiagnosisContext } from '../rule.js';
import type { LinkSymptoms } from '../symptoms.js';
import { accountOf } from './backendAccount.js';
import { nobodyListens, ownerDown } from './brokenListener.js';
import { hopConfidence, lines, makeCause, naiveTime } from './causeKit.js';
import { gatewayLevel, unclaimedCauses } from './gatewayCauses.js';
import { declaredOwners, ownerStart } from './ownerState.js';
import { badResponse, saturated } from './responseCauses.js';

/** The hop a verdict is about, for the chain the report shows. */
export type BrokenHop = 'gateway' | 'target' | 'listener' | 'owner' | 'response';

export interface LinkVerdict {
  cause?: DiagnosedCause;
  broken?: BrokenHop;
}

const connectErrors = (s: LinkSymptoms, errnos: number[]) =>
  s.errors.filter(
    (e) => e.data.errorKind === 'connect-failed' && e.data.errno !== null && errnos.includes(e.data.errno),
  );
const connectTimeouts = (s: LinkSymptoms) =>
  s.errors.filter(
    (e) =>
      e.data.errorKind === 'upstream-timeout' && (e.data.phase === 'connecting' || e.data.call === 'connect'),
  );

/** The target's own address: a name that does not resolve, a firewall, a host or network out of reach. */
function addressHop(
  ctx: DiagnosisContext,
  link: TargetLink,
  s: LinkSymptoms,
  failing: boolean,
): DiagnosedCause | undefined {
  const a = link.target.address;
  const gw = link.target.gateway;
  if (a.kind === 'tcp') {
    const dns = ctx.findings.filter(
      (f) => isKind(f, 'dns-failure') && f.host === gw && f.data.name === a.host,
    );
    const resolver = s.errors.filter((e) => e.data.errorKind === 'resolver');
    if (dns.length > 0 || resolver.length > 0) {
      return makeCause(
        'dns-failure',
        `${a.host} does not resolve on ${gw}`,
        hopConfidence(resolver.length + dns.length, failing),
        lines([...dns, ...resolver]),
        [gw],
      );
    }
  }
  const owner = link.ownerHost;
  if (owner) {
    const down = ctx.findings.filter((f) => isKind(f, 'host-unreachable') && f.host === owner);
    if (down.length > 0 && owner !== gw && (s.errors.length > 0 || s.probes.length > 0 || failing)) {
      return makeCause(
        'host-unreachable',
        `${owner}, where ${link.target.id} is, is unreachable`,
        hopConfidence(s.errors.length, failing),
        lines([...down, ...s.errors, ...s.probes]),
        [owner],
      );
    }
  }
  if (a.kind !== 'tcp') return undefined;
  const timedOut = connectTimeouts(s);
  const noRoute = connectErrors(s, [113, 101]);
  const refused = connectErrors(s, [111]);
  const probeFails = s.probes.filter((p) => p.data.error === 'timeout' || p.data.error === 'refused');
  if (owner && owner !== gw) {
    const blocks = ctx.findings.filter(
      (f): f is Finding<'firewall-block'> =>
        isKind(f, 'firewall-block') && f.host === owner && f.data.port === a.port,
    );
    if (blocks.length > 0) {
      const b = blocks[0] as Finding<'firewall-block'>;
      const symptoms = [...timedOut, ...noRoute, ...refused, ...probeFails];
      return makeCause(
        'firewall-block',
        `a firewall rule on ${owner} ${b.data.action === 'reject' ? 'rejects' : 'drops'} traffic to port ${a.port}`,
        hopConfidence(symptoms.length, failing),
        lines([...blocks, ...symptoms]),
        [owner],
        b.data.tool === 'iptables' && b.data.rule.startsWith('-A ')
          ? [intents.removeIptablesRule(owner, b.data.rule, a.port)]
          : [],
      );
    }
  }
  if (noRoute.length > 0) {
    return makeCause(
      'network-unreachable',
      `there is no route from ${gw} to ${link.target.id} (host down, or a firewall rejecting with host-unreachable)`,
      hopConfidence(noRoute.length, failing),
      lines(noRoute),
      [gw, ...(owner ? [owner] : [])],
    );
  }
  if (!owner) {
    // Medic cannot see behind the address: a declared service that is down says who is missing.
    for (const o of declaredOwners(ctx, undefined, a.port)) {
      const down = ownerDown(
        ctx,
        o,
        [...refused, ...timedOut, ...s.probes],
        hopConfidence(s.errors.length, failing, -0.05),
      );
      if (down) return down;
    }
    if (refused.length > 0)
      return makeCause(
        'upstream-down',
        `${link.target.id} refuses connections (it is not a host in medic.yaml: Medic cannot look behind it)`,
        hopConfidence(refused.length, failing, -0.1),
        lines([...refused, ...s.probes]),
        [gw],
      );
    if (timedOut.length > 0)
      return makeCause(
        'upstream-timeout',
        `${link.target.id} does not accept connections in time (not a host in medic.yaml)`,
        hopConfidence(timedOut.length, failing, -0.1),
        lines(timedOut),
        [gw],
      );
  }
  if (timedOut.length > 0 && link.listener.state === 'listening') {
    return makeCause(
      'upstream-timeout',
      `${link.target.id} does not accept connections in time although it listens (a full backlog, or a firewall in between)`,
      hopConfidence(timedOut.length, failing, -0.1),
      lines(timedOut),
      [gw, ...(owner ? [owner] : [])],
    );
  }
  return undefined;
}

/**
 * Walk one target's path, hop by hop, and say which hop is the first broken one and why:
 * its address (name, host, firewall, route), its listener (nobody, the wrong address, the wrong
 * permissions), its owner (down, crashing), the owner's capacity, and the answers it gives.
 */
export function examineLink(
  ctx: DiagnosisContext,
  link: TargetLink,
  s: LinkSymptoms,
  failing: boolean,
): LinkVerdict {
  // The gateway's own limits or bindings fail it before the upstream is reached.
  const own = s.errors.filter(gatewayLevel);
  if (own.length > 0) {
    const [cause] = unclaimedCauses(ctx, own);
    if (cause) return { cause, broken: 'gateway' };
  }
  const address = addressHop(ctx, link, s, failing);
  if (address) return { cause: address, broken: 'target' };
  const l = link.listener;
  if (l.state === 'absent') return { cause: nobodyListens(ctx, link, s, failing), broken: 'listener' };
  if (l.state === 'wrong-address') {
    const where = l.listeners.map((x) => x.address).join(', ');
    return {
      cause: makeCause(
        'upstream-port-mismatch',
        `${link.target.id}: ${l.listeners[0]?.process ?? 'the service'} listens on ${where} only, not where nginx connects`,
        hopConfidence(s.errors.length, failing, 0.02),
        lines(
          s.errors,
          l.listeners.map((x) => x.line),
        ),
        [link.ownerHost ?? link.target.gateway],
      ),
      broken: 'listener',
    };
  }
  const denied = connectErrors(s, [13]);
  if (denied.length > 0) {
    const sock = ctx.findings.filter((f) => isKind(f, 'fpm-socket-ok') && f.host === link.ownerHost);
    return {
      cause: makeCause(
        'upstream-socket-permission',
        `nginx may not open ${link.target.id} (permission denied): the socket's owner, group or mode keep its user out`,
        hopConfidence(denied.length, failing),
        lines([...denied, ...sock]),
        [link.ownerHost ?? link.target.gateway],
      ),
      broken: 'listener',
    };
  }
  if (l.state === 'unknown') {
    const refused = connectErrors(s, [2, 111]);
    if (refused.length === 0 && !failing) return {};
    // Medic cannot see behind the address: a declared service that is down says who is missing.
    const port = link.target.address.kind === 'tcp' ? link.target.address.port : undefined;
    for (const o of declaredOwners(ctx, link.ownerHost, port)) {
      const down = ownerDown(
        ctx,
        o,
        [...refused, ...s.errors, ...s.probes],
        hopConfidence(s.errors.length, failing, -0.05),
      );
      if (down) return { cause: down, broken: 'owner' };
    }
    if (refused.length === 0) return {};
    return {
      cause: makeCause(
        'upstream-down',
        `nginx cannot connect to ${link.target.id} (${refused[0]?.data.errno === 2 ? 'no such socket' : 'refused'}); ${l.reason}`,
        hopConfidence(refused.length, failing, -0.2),
        lines(refused),
        [link.target.gateway],
      ),
      broken: 'listener',
    };
  }
  const owner = link.owner;
  const [likely] = link.candidates;
  if (!owner && likely && (s.errors.length > 0 || failing)) {
    // No owner seen: the one unit just restarted (see followTarget) speaks for itself.
    const down = ownerDown(
      ctx,
      likely,
      [...s.errors, ...s.probes],
      hopConfidence(s.errors.length, failing, -0.15),
    );
    if (down)
      return { cause: { ...down, evidence: [...new Set([...down.evidence, likely.why])] }, broken: 'owner' };
  }
  const account = owner
    ? accountOf(ctx, owner, link.process?.command?.split(' ')[0])
    : { events: [], ooms: [] };
  if (owner) {
    const down = ownerDown(
      ctx,
      owner,
      [...s.errors, ...s.probes],
      hopConfidence(s.errors.length, failing, -0.05),
    );
    if (down && (s.errors.length > 0 || failing)) return { cause: down, broken: 'owner' };
    if (owner.kind === 'container') {
      const c = ctx.findings.find(
        (f) => isKind(f, 'container-state') && f.host === owner.host && f.data.unhealthy,
      );
      if (c)
        return {
          cause: makeCause(
            'container-unhealthy',
            `container ${(c as Finding<'container-state'>).data.name} on ${owner.host} runs but its health check fails`,
            hopConfidence(s.errors.length, failing),
            lines([c]),
            [owner.host],
            [intents.restartContainer(owner.host, (c as Finding<'container-state'>).data.name)],
          ),
          broken: 'owner',
        };
    }
  }
  const full = saturated(ctx, link, s, account, failing);
  if (full) return { cause: full, broken: 'response' };
  const bad = badResponse(ctx, link, s, account, failing);
  if (bad) return { cause: bad, broken: 'response' };
  // Refused before the owner (re)started is the outage that start ended, not a flap.
  const since = ownerStart(ctx, link);
  const refusedNow = connectErrors(s, [2, 111]).filter(
    (e) => e.data.fresh > 0 && (since === undefined || naiveTime(e.data.last) > since),
  );
  if (refusedNow.length > 0) {
    const n = refusedNow.reduce((sum, e) => sum + e.data.fresh, 0);
    return {
      cause: makeCause(
        'upstream-crashing',
        `${link.target.id} refused ${n} connection(s) in the last ${refusedNow[0]?.data.freshSeconds} s although it listens now (it restarts, or flaps)`,
        hopConfidence(n, failing, -0.25),
        lines(refusedNow),
        [link.ownerHost ?? link.target.gateway],
      ),
      broken: 'owner',
    };
  }
  return {};
}
