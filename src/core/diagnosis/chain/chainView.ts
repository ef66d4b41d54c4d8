import type { ChainHop, ChainView } from '../../model/chainView.js';
import type { TargetLink } from '../../model/topology.js';
import type { BrokenHop, LinkVerdict } from './examineLink.js';
import { ownerLabel } from './ownerState.js';

/**
 * The path of requests to one target as the report shows it: site → gateway → target →
 * listener → process → owner, each hop marked ok, broken (the first broken one, with why) or
 * unknown (Medic could not look).
 */
export function chainView(site: string, link: TargetLink, v: LinkVerdict): ChainView {
  const mark = (hop: BrokenHop, fallback: ChainHop['state'] = 'ok'): ChainHop['state'] =>
    v.broken === hop ? 'broken' : fallback;
  const note = (hop: BrokenHop) => (v.broken === hop && v.cause ? { note: v.cause.title } : {});
  const hops: ChainHop[] = [
    { kind: 'site', label: site, state: 'ok' },
    { kind: 'gateway', label: `nginx@${link.target.gateway}`, state: mark('gateway'), ...note('gateway') },
    {
      kind: 'target',
      label: link.target.id,
      state: mark('target', link.ownerHost ? 'ok' : 'unknown'),
      ...(v.broken === 'target' ? note('target') : link.ownerHost ? {} : { note: link.ownerHostWhy }),
    },
  ];
  const l = link.listener;
  if (l.state === 'absent') {
    const alt = l.alternatives.map((a) => `${a.process ?? 'something'} listens on ${a.address}`).join('; ');
    hops.push({
      kind: 'missing',
      label: 'nothing listens',
      state: 'broken',
      ...(alt ? { note: alt } : note('listener')),
    });
    for (const c of link.candidates.filter((x) => !x.viaKill).slice(0, 2))
      hops.push({
        kind: 'unit',
        label: ownerLabel(c),
        state: v.broken === 'listener' ? 'broken' : 'unknown',
        note: c.why,
      });
  } else if (l.state === 'unknown') {
    hops.push({ kind: 'listener', label: 'listener unknown', state: 'unknown', note: l.reason });
  } else {
    const first = l.listeners[0];
    hops.push({
      kind: 'listener',
      label: `${first?.process ?? 'listener'} on ${l.listeners.map((x) => x.address).join(', ')}${link.ownerHost ? `@${link.ownerHost}` : ''}`,
      state: l.state === 'wrong-address' ? 'broken' : 'ok',
      ...(l.state === 'wrong-address' ? note('listener') : {}),
    });
    if (link.process)
      hops.push({
        kind: 'process',
        label: `pid ${link.process.pid}${link.process.user ? ` (${link.process.user})` : ''}`,
        state: mark('response'),
        ...note('response'),
      });
    if (link.owner) {
      const kind =
        link.owner.kind === 'unit'
          ? 'unit'
          : link.owner.kind === 'pm2'
            ? 'pm2'
            : link.owner.kind === 'container'
              ? 'container'
              : 'process';
      hops.push({ kind, label: ownerLabel(link.owner), state: mark('owner'), ...note('owner') });
    }
  }
  return {
    target: link.target.id,
    ...(link.target.location !== undefined ? { location: link.target.location } : {}),
    onProbePath: link.target.onProbePath,
    hops,
  };
}
