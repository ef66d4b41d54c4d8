import type { DiagnosedCause } from '../../model/cause.js';
import type { Finding } from '../../model/finding.js';
import type { ListenerView, OwnerView, TargetLink } from '../../model/topology.js';
import { intents } from '../intents.js';
import type { DiagnosisContext } from '../rule.js';
import type { LinkSymptoms } from '../symptoms.js';
import { accountOf, crashEvents, memoryEvents, ofEvents } from './backendAccount.js';
import { hopConfidence, lines, makeCause, manualFix } from './causeKit.js';
import {
  containerFinding,
  declaredOwners,
  ownerLabel,
  pm2Finding,
  unitFinding,
  unitVerdict,
} from './ownerState.js';

/** Why an owner (or the one who should be there) is not serving: its own state says, if checked. */
export function ownerDown(
  ctx: DiagnosisContext,
  o: OwnerView,
  symptomLines: Finding[],
  conf: number,
): DiagnosedCause | undefined {
  if (o.kind === 'unit') {
    const f = unitFinding(ctx, o.host, o.unit);
    if (!f) return undefined;
    const v = unitVerdict(f);
    if (v.running && !v.crashing) return undefined;
    if (!v.installed) return undefined;
    const account = accountOf(ctx, o);
    const story = [...ofEvents(account, crashEvents), ...ofEvents(account, memoryEvents)];
    const oom = v.oom || account.ooms.length > 0 || ofEvents(account, memoryEvents).length > 0;
    const id = oom ? 'oom-killed' : v.crashing ? 'upstream-crashing' : 'upstream-down';
    const title = oom
      ? `the kernel killed ${f.data.unit} on ${o.host} for memory (${v.how}${v.running ? ', running again now' : ''})`
      : v.running
        ? `${f.data.unit} on ${o.host} keeps restarting (${f.data.nRestarts} restarts)`
        : `${f.data.unit} is ${f.data.activeState} on ${o.host} (${v.how})`;
    // The proof of a kill leads: the kernel's "Killed process" lines of the last kills, before
    // the gateway's symptoms (several error groups would otherwise crowd them out).
    const killed = account.ooms
      .slice(-2)
      .flatMap((k) => k.evidence.filter((l) => /Killed process/.test(l)).slice(0, 1));
    return makeCause(
      id,
      title,
      conf,
      lines([f], [...killed, ...lines([...symptomLines, ...account.ooms, ...story])]),
      [o.host],
      [intents.restartUnit(o.host, f.data.unit)],
    );
  }
  if (o.kind === 'pm2') {
    const f = pm2Finding(ctx, o.host, o.user, o.app);
    if (!f) return undefined;
    if (f.kind === 'pm2-app') {
      const d = f.data;
      if (d.status === 'online' && d.unstableRestarts === 0) return undefined;
      const crashing = d.status === 'errored' || d.unstableRestarts > 0;
      const title = crashing
        ? `pm2 app ${d.app} on ${o.host} crashed and pm2 gave up (${d.status} after ${d.restarts} restarts)`
        : `pm2 app ${d.app} on ${o.host} is ${d.status}`;
      return makeCause(
        crashing ? 'upstream-crashing' : 'upstream-down',
        title,
        conf,
        lines([f, ...symptomLines]),
        [o.host],
        [intents.restartPm2(o.host, d.app, d.user)],
      );
    }
    return makeCause('upstream-down', f.summary, conf, lines([f, ...symptomLines]), [o.host]);
  }
  if (o.kind === 'container') {
    const f = containerFinding(ctx, o.host, o);
    if (!f || (f.data.running && !f.data.flapping)) return undefined;
    const d = f.data;
    // OOMKilled alone is unreliable (it races with the exit): exit 137 confirmed by it, the
    // engine's oom events, or the kernel's line for this container's cgroup.
    const kernel = d.exitCode === 137 ? accountOf(ctx, { ...o, id: d.id }).ooms : [];
    const oom = d.exitCode === 137 && (d.oomKilled || d.oomEvents > 0 || kernel.length > 0);
    const id = d.flapping ? 'upstream-crashing' : oom ? 'oom-killed' : 'container-down';
    const title = d.flapping
      ? `container ${d.name} on ${o.host} is in a restart loop (${d.restartCount} restarts, last exit ${d.exitCode})`
      : `container ${d.name} on ${o.host} is ${d.status} (exit ${d.exitCode}${oom ? ', killed for memory' : ''})`;
    return makeCause(
      id,
      title,
      conf,
      lines([f, ...kernel, ...symptomLines]),
      [o.host],
      d.flapping ? [] : [intents.restartContainer(o.host, d.name)],
    );
  }
  return undefined;
}

/** How a pass directive names an address: `unix:/path`, `host:port`, or `scheme://host:port` for proxy_pass. */
function passValue(directive: string, scheme: string, address: string): string {
  if (address.startsWith('/'))
    return directive === 'proxy_pass' ? `${scheme}://unix:${address}` : `unix:${address}`;
  return directive === 'proxy_pass' ? `${scheme}://${address}` : address;
}

const describeAlt = (alts: ListenerView[]) =>
  alts.map((a) => `${a.process ?? 'something'} listens on ${a.address}`).join('; ');

/**
 * Nobody listens where the gateway passes: the service that should be there is down (its own
 * state says how), or it is not there at all while the same kind of service listens elsewhere
 * (the config points at an old path), or nothing is known to serve it.
 */
export function nobodyListens(
  ctx: DiagnosisContext,
  link: TargetLink,
  s: LinkSymptoms,
  failingThrough: boolean,
): DiagnosedCause {
  const symptoms = [...s.errors, ...s.probes];
  const conf = hopConfidence(symptoms.length, failingThrough);
  const host = link.ownerHost ?? link.target.gateway;
  const port = link.target.address.kind === 'tcp' ? link.target.address.port : undefined;
  // A candidate only a kernel kill names counts when its unit is not stopped: restarted, or restarting.
  const keep = (c: TargetLink['candidates'][number]) =>
    !c.viaKill ||
    (c.kind === 'unit' && !/^(inactive|)$/.test(unitFinding(ctx, c.host, c.unit)?.data.activeState ?? ''));
  const candidates = link.candidates.filter(keep);
  // Discovery adds every candidate to the site's services: a dropped one is not declared either.
  const unitKey = (o: OwnerView) =>
    o.kind === 'unit' ? `${o.unit.replace(/\.service$/, '')}@${o.host}` : '';
  const dropped = new Set(link.candidates.filter((c) => !keep(c)).map(unitKey));
  const declared = declaredOwners(ctx, link.ownerHost, port).filter((o) => !dropped.has(unitKey(o)));
  for (const c of [...candidates, ...declared]) {
    const down = ownerDown(ctx, c, symptoms, conf);
    if (down)
      return {
        ...down,
        evidence: [...new Set([...down.evidence, `${link.target.id}: nothing listens on ${host}`])].slice(
          0,
          10,
        ),
      };
  }
  const alternatives = link.listener.state === 'absent' ? link.listener.alternatives : [];
  const missing = candidates.filter(
    (c) => c.kind === 'unit' && unitFinding(ctx, c.host, c.unit)?.data.loadState === 'not-found',
  );
  // One service of the kind elsewhere says where the config should point; several only hint.
  if (alternatives.length === 1 || (alternatives.length > 0 && link.target.address.kind === 'unix')) {
    const alt = alternatives[0] as ListenerView;
    const why = missing.length
      ? ` (${missing.map((m) => ownerLabel(m).split('@')[0]).join(', ')} is not installed)`
      : '';
    const value = passValue(link.target.directive, link.target.scheme, alt.address);
    const fix = manualFix(
      link.target.gateway,
      `${link.target.directive}:${link.target.id}`,
      `Point ${link.target.directive} at ${value} on ${link.target.gateway}, then nginx -t and reload`,
      [`${link.target.directive} ${value};`, 'nginx -t', 'systemctl reload -- nginx.service'],
    );
    // The pools' own listen settings say where php-fpm was told to listen.
    const pools = ctx.findings.filter(
      (f) => f.kind === 'fpm-pool-listen' && f.host === host && f.data.listen.length > 0,
    );
    return makeCause(
      'proxy-misconfig',
      `nginx passes to ${link.target.id}, where nothing listens; ${describeAlt(alternatives)}${why}`,
      conf,
      lines(symptoms, [
        `${host}: nothing listens on ${link.target.id}`,
        ...alternatives.map((a) => a.line),
        ...pools.flatMap((f) => f.evidence.slice(0, 2)),
      ]),
      [host, link.target.gateway],
      [fix],
    );
  }
  const who = candidates.length
    ? ` (${candidates.map((c) => c.why).join('; ')})`
    : alternatives.length > 0
      ? ` (${describeAlt(alternatives)})`
      : ' and no service on the host is known to serve it';
  return makeCause(
    'upstream-down',
    `nothing listens on ${link.target.id} on ${host}${who}`,
    conf,
    lines(symptoms, [
      `${host}: no LISTEN socket on ${link.target.id} (ss)`,
      ...alternatives.map((a) => a.line),
    ]),
    [host],
  );
}
