import { acceptsHost } from '../../checks/listeningSockets.js';
import type {
  ListenerOwnerRef,
  ListeningFact,
  TcpListenerFact,
  UnixListenerFact,
} from '../../model/facts/sockets.js';
import type { ServiceUnitRow } from '../../model/facts/unit.js';
import type { ListenerHop, ListenerView, OwnerView, PassTarget, TargetLink } from '../../model/topology.js';

/** What one host says about itself that following a target needs. */
export interface HostFacts {
  listening?: ListeningFact;
  /** Lines of the listening finding, by address, for evidence. */
  suspects: ServiceUnitRow[];
  /** Units whose memory cgroup the kernel's OOM killer emptied in the window. */
  killedUnits?: string[];
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';
/** Sockets of the init system, the bus and pm2's own control sockets are never a backend. */
const plumbing = /^\/run\/(systemd|dbus|user)\/|\/\.pm2\/|^@/;

function view(host: string, l: TcpListenerFact | UnixListenerFact): ListenerView {
  const address =
    'path' in l ? l.path : `${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`;
  return {
    host,
    address,
    ...(l.pid !== undefined ? { pid: l.pid } : {}),
    ...(l.process !== undefined ? { process: l.process } : {}),
    line: l.line ?? address,
  };
}

function ownerView(host: string, l: TcpListenerFact | UnixListenerFact): OwnerView | undefined {
  const o: ListenerOwnerRef | undefined = l.owner;
  if (!o || o.kind === 'unknown' || o.kind === 'session') {
    return l.pid !== undefined
      ? { kind: 'process', host, pid: l.pid, command: l.command ?? l.process ?? '' }
      : undefined;
  }
  if (o.kind === 'unit') return { kind: 'unit', host, unit: o.unit };
  if (o.kind === 'pm2')
    return { kind: 'pm2', host, user: o.user, ...(l.pid !== undefined ? { pid: l.pid } : {}) };
  return {
    kind: 'container',
    host,
    ...(o.id ? { id: o.id } : {}),
    ...(o.hostPort ? { port: o.hostPort } : {}),
  };
}

/** The php-fpm unit a Debian-style socket path names: `/run/php/php8.1-fpm.sock` → php8.1-fpm.service. */
export function fpmUnitOfSocket(path: string): string | undefined {
  const m = /php(\d+(?:\.\d+)?)-fpm[^/]*\.sock$/.exec(path);
  return m?.[1] ? `php${m[1]}-fpm.service` : undefined;
}

function listenerHop(
  target: PassTarget,
  facts: HostFacts,
  host: string,
): { hop: ListenerHop; found?: TcpListenerFact | UnixListenerFact } {
  const l = facts.listening;
  if (!l) return { hop: { state: 'unknown', reason: `the listening sockets of ${host} could not be read` } };
  const a = target.address;
  if (a.kind === 'unix') {
    const hit = l.unix.find((u) => u.path === a.path);
    if (hit) return { hop: { state: 'listening', listeners: [view(host, hit)] }, found: hit };
    const stem = (p: string) =>
      p
        .split('/')
        .pop()
        ?.replace(/[\d.]+/g, '#') ?? '';
    const alternatives = l.unix
      .filter(
        (u) => !plumbing.test(u.path) && (dirOf(u.path) === dirOf(a.path) || stem(u.path) === stem(a.path)),
      )
      .map((u) => view(host, u));
    return { hop: { state: 'absent', alternatives } };
  }
  if (a.kind !== 'tcp') return { hop: { state: 'unknown', reason: 'the address is only known per request' } };
  const on = l.tcp.filter((t) => t.port === a.port);
  if (on.length === 0) return { hop: { state: 'absent', alternatives: [] } };
  const ok = on.find((t) => acceptsHost(t.address, a.host));
  if (!ok) return { hop: { state: 'wrong-address', listeners: on.map((t) => view(host, t)) } };
  return { hop: { state: 'listening', listeners: [view(host, ok)] }, found: ok };
}

/** Follow one target on the host that owns it: listener → process → owner, or who should listen. */
export function followTarget(
  target: PassTarget,
  owner: { host?: string; why: string },
  facts: HostFacts | undefined,
): TargetLink {
  const base = { target, ...(owner.host ? { ownerHost: owner.host } : {}), ownerHostWhy: owner.why };
  if (!owner.host) return { ...base, listener: { state: 'unknown', reason: owner.why }, candidates: [] };
  const host = owner.host;
  const { hop, found } = listenerHop(target, facts ?? { suspects: [] }, host);
  const link: TargetLink = { ...base, listener: hop, candidates: [] };
  if (found?.pid !== undefined) {
    link.process = {
      pid: found.pid,
      ...(found.user ? { user: found.user } : {}),
      ...(found.command ? { command: found.command } : {}),
    };
  }
  const ov = found ? ownerView(host, found) : undefined;
  if (ov) link.owner = ov;
  if (found && !ov) {
    // Whose listener it is is not known (its process gone by the time ss read it, or not
    // visible to Medic): when one unit alone was just restarted by systemd, it is the likely one.
    const restarted = (facts?.suspects ?? []).filter((s) => s.restarts !== undefined);
    const [only] = restarted;
    if (only && restarted.length === 1)
      link.candidates = [
        {
          kind: 'unit',
          host,
          unit: only.unit,
          why: `the listener's process is not known; ${only.unit} alone was restarted ${only.restarts}× by systemd, up only ${only.restartedSecondsAgo} s`,
        },
      ];
  }
  if (hop.state === 'absent') {
    link.candidates = candidatesFor(target, host, facts);
    // The service that should be there may run and listen elsewhere (php-fpm on 127.0.0.1:9000).
    const units = new Set(link.candidates.flatMap((c) => (c.kind === 'unit' ? [c.unit] : [])));
    const l = facts?.listening;
    const theirs = [...(l?.unix ?? []), ...(l?.tcp ?? [])].filter(
      (x) => x.owner?.kind === 'unit' && units.has(x.owner.unit),
    );
    for (const x of theirs) {
      const v = view(host, x);
      if (!hop.alternatives.some((a) => a.address === v.address)) hop.alternatives.push(v);
    }
  }
  return link;
}

/** Who should serve a target nobody listens on: the php-fpm its socket names, and suspect units. */
function candidatesFor(
  target: PassTarget,
  host: string,
  facts: HostFacts | undefined,
): TargetLink['candidates'] {
  const out: TargetLink['candidates'] = [];
  const a = target.address;
  const fpm = a.kind === 'unix' ? fpmUnitOfSocket(a.path) : undefined;
  if (fpm) out.push({ kind: 'unit', host, unit: fpm, why: `its socket path names ${fpm}` });
  // A Debian-style php-fpm socket names the one php-fpm that serves it: no other suspect.
  if (fpm) return out;
  // Suspects the kernel just killed for memory first: a backend dying of it restarts in a loop.
  const killed = new Set(facts?.killedUnits ?? []);
  const suspects = [...(facts?.suspects ?? [])].sort(
    (a, b) => Number(killed.has(b.unit)) - Number(killed.has(a.unit)),
  );
  for (const s of suspects) {
    if (out.some((c) => c.kind === 'unit' && c.unit === s.unit)) continue;
    const why =
      s.restarts !== undefined
        ? `restarted ${s.restarts}× by systemd, up only ${s.restartedSecondsAgo} s`
        : s.active === 'failed'
          ? 'failed'
          : s.enabled && s.active === 'inactive'
            ? 'enabled but not running'
            : s.active;
    out.push({
      kind: 'unit',
      host,
      unit: s.unit,
      why: `${s.unit} is ${why}${killed.has(s.unit) ? ', and the kernel killed it for memory' : ''}`,
    });
  }
  // A unit the kernel just killed that systemd has already restarted is no suspect, yet it may be
  // the one that should listen (killed again by the request that probed it, or not bound yet).
  for (const unit of killed) {
    if (out.some((c) => c.kind === 'unit' && c.unit === unit)) continue;
    out.push({ kind: 'unit', host, unit, why: `the kernel killed ${unit} for memory`, viaKill: true });
  }
  return out.slice(0, 6);
}
