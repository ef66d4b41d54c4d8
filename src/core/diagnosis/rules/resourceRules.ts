import type { DiagnosedCause as Cause } from '../../model/cause.js';
import { intents } from '../intents.js';
import { clamp, evidenceOf, nginxErrors, num, ofKind, type Rule, str } from '../rule.js';

/** Memory, disk, inodes and kernel OOM kills. */
export const resourceRules: Rule = (ctx) => {
  const causes: Cause[] = [];
  const failing = ctx.siteFailing ? 0.2 : 0;

  for (const f of ofKind(ctx, 'disk-usage').filter((x) => x.severity !== 'ok')) {
    const mount = str(f, 'mount') ?? '?';
    const critical = f.severity === 'critical';
    causes.push({
      id: 'disk-full',
      title: `${mount} on ${f.host} is ${num(f, 'usedPercent')}% full`,
      confidence: clamp((critical ? 0.6 : 0.25) + failing),
      evidence: f.evidence,
      hosts: [f.host],
      intents: [intents.inspectDisk(f.host, mount)],
    });
  }
  for (const f of ofKind(ctx, 'inode-usage').filter((x) => x.severity !== 'ok')) {
    const mount = str(f, 'mount') ?? '?';
    causes.push({
      id: 'inodes-full',
      title: `${mount} on ${f.host} has used ${num(f, 'usedPercent')}% of its inodes`,
      confidence: clamp((f.severity === 'critical' ? 0.6 : 0.25) + failing),
      evidence: f.evidence,
      hosts: [f.host],
      intents: [intents.inspectDisk(f.host, mount)],
    });
  }
  for (const f of ofKind(ctx, 'memory').filter((x) => x.severity !== 'ok')) {
    causes.push({
      id: 'memory-exhausted',
      title: `${f.host} has only ${num(f, 'availablePercent')}% memory available`,
      confidence: clamp((f.severity === 'critical' ? 0.55 : 0.25) + failing / 2),
      evidence: f.evidence,
      hosts: [f.host],
      intents: [],
    });
  }
  // Kills inside containers are containerRules' (the site's own, with their state); kills in
  // other containers on a shared host are not this site's.
  const ours = ofKind(ctx, 'container-state')
    .map((c) => str(c, 'id') ?? '')
    .filter(Boolean);
  const bareUnit = (u: string) => u.replace(/\.service$/, '');
  const siteUnits = new Set([
    ...ctx.topology.links.flatMap((l) =>
      [l.owner, ...l.candidates.filter((c) => !c.viaKill)].flatMap((o) =>
        o?.kind === 'unit' ? [bareUnit(o.unit)] : [],
      ),
    ),
    ...ctx.site.services.flatMap((s) => (typeof s.unit === 'string' ? [bareUnit(s.unit)] : [])),
  ]);
  const kills = ofKind(ctx, 'oom-kill').filter((k) => {
    const memcg = k.data.taskMemcg ?? '';
    // containerRules reports the kills of the site's own containers, with their state.
    if (ours.some((id) => memcg.includes(id))) return false;
    if (k.data.foreign) return false;
    // A kill in a unit's cgroup counts when the unit is on the site's path or declared for it.
    if (k.data.unit !== undefined)
      return siteUnits.size === 0 || siteUnits.has(k.data.unit.replace(/\.service$/, ''));
    return !/\/docker[-/][0-9a-f]{12}/.test(memcg);
  });
  if (kills.length > 0) {
    const hosts = [...new Set(kills.map((k) => k.host))];
    // A worker killed mid-request shows up in nginx as a closed or reset upstream connection.
    const cut = nginxErrors(
      ctx,
      (e) =>
        hosts.includes(e.host) && ['prematurely-closed', 'recv-reset'].includes(str(e, 'errorKind') ?? ''),
    );
    causes.push({
      id: 'oom-killed',
      title: `the kernel killed ${[...new Set(kills.map((k) => str(k, 'process')))].join(', ')} for memory on ${hosts.join(', ')}`,
      confidence: clamp(0.55 + (cut.length ? 0.25 : 0) + failing / 2),
      evidence: evidenceOf([...kills, ...cut]),
      hosts,
      intents: [],
    });
  }
  return causes;
};
