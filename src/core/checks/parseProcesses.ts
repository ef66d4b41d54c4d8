/**
 * Pure parsers for who runs a process: the process table (`ps -eo pid=,ppid=,user:32=,args= -ww`),
 * the processes' cgroups (`grep -Hs -e '^0::' -e name=systemd /proc/[0-9]*\/cgroup`), and the
 * owner that follows from them: a systemd unit, a pm2 daemon, a container or Docker's port proxy.
 */
import type { ListenerOwnerRef } from '../model/facts/sockets.js';

export interface ProcessRow {
  pid: number;
  ppid: number;
  user: string;
  args: string;
}

/** Parse `ps -eo pid=,ppid=,user:32=,args= -ww`. Lines that do not fit are skipped. */
export function parsePs(text: string): Map<number, ProcessRow> {
  const rows = new Map<number, ProcessRow>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*?)\s*$/.exec(line);
    if (!m?.[1] || !m[2] || !m[3] || m[4] === undefined) continue;
    rows.set(Number(m[1]), { pid: Number(m[1]), ppid: Number(m[2]), user: m[3], args: m[4] });
  }
  return rows;
}

/** pid → cgroup path: the unified (`0::`) line, else the `name=systemd` one of a v1 hierarchy. */
export function parseCgroups(text: string): Map<number, string> {
  const unified = new Map<number, string>();
  const named = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^\/proc\/(\d+)\/cgroup:(0::|\d+:name=systemd:)(.*)$/.exec(line.trim());
    if (!m?.[1] || !m[2] || m[3] === undefined) continue;
    (m[2] === '0::' ? unified : named).set(Number(m[1]), m[3]);
  }
  for (const [pid, path] of named) if (!unified.has(pid) || unified.get(pid) === '/') unified.set(pid, path);
  return unified;
}

/**
 * The part of every path that is the host itself: PID 1's cgroup without its `init.scope`. A host
 * that is itself a container (systemd in Docker or LXC) sees its units below such a prefix.
 */
export function hostCgroupRoot(cgroups: Map<number, string>): string {
  const init = cgroups.get(1) ?? '/';
  return init.replace(/\/init\.scope$/, '').replace(/\/$/, '');
}

const containerSegment = /^(?:docker|libpod|cri-containerd|crio)-([0-9a-f]{12,64})\.scope$/;

/** The owner a cgroup path names (relative to the host's root): the deepest unit or container. */
export function ownerOfCgroup(path: string, root: string): ListenerOwnerRef {
  const rel = root && path.startsWith(root) ? path.slice(root.length) : path;
  const segments = rel.split('/').filter(Boolean);
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i] as string;
    const scoped = containerSegment.exec(s);
    if (scoped?.[1]) return { kind: 'container', id: scoped[1].slice(0, 12) };
    if (/^[0-9a-f]{64}$/.test(s) && segments[i - 1] === 'docker')
      return { kind: 'container', id: s.slice(0, 12) };
    if (/^session-\w+\.scope$/.test(s)) return { kind: 'session' };
    if (s.endsWith('.service') && !/^user@\d+\.service$/.test(s)) return { kind: 'unit', unit: s };
  }
  return { kind: 'unknown' };
}

const pm2Daemon = /^PM2 v\S+: God Daemon\b/;

/** Docker's userland proxy for a published port: `docker-proxy -proto tcp -host-ip … -host-port …`. */
export function dockerProxy(args: string): ListenerOwnerRef | undefined {
  if (!/(^|\/)docker-proxy\s/.test(args)) return undefined;
  const arg = (name: string) => new RegExp(`-${name} (\\S+)`).exec(args)?.[1];
  const hostPort = Number(arg('host-port'));
  const containerPort = Number(arg('container-port'));
  const containerIp = arg('container-ip');
  return {
    kind: 'container',
    ...(hostPort ? { hostPort } : {}),
    ...(containerIp ? { containerIp } : {}),
    ...(containerPort ? { containerPort } : {}),
  };
}

/**
 * Who runs `pid`: Docker's port proxy, a pm2 daemon among its ancestors (pm2's apps run under
 * it, whatever unit started pm2), else what its cgroup says.
 */
export function ownerOf(
  pid: number,
  table: Map<number, ProcessRow>,
  cgroups: Map<number, string>,
): ListenerOwnerRef {
  const self = table.get(pid);
  const proxy = self ? dockerProxy(self.args) : undefined;
  if (proxy) return proxy;
  let p = self;
  for (let depth = 0; p && depth < 16; depth++) {
    if (pm2Daemon.test(p.args)) return { kind: 'pm2', user: p.user, daemonPid: p.pid };
    if (p.ppid <= 1) break;
    p = table.get(p.ppid);
  }
  const path = cgroups.get(pid);
  return path === undefined ? { kind: 'unknown' } : ownerOfCgroup(path, hostCgroupRoot(cgroups));
}

/** The host's addresses from `ip -o addr show` (`2: eth0    inet 10.0.0.5/24 …`), without prefixes. */
export function parseIpAddr(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\binet6? ([0-9a-fA-F.:]+)\/\d+/g))
    if (m[1] && !out.includes(m[1])) out.push(m[1]);
  return out;
}
