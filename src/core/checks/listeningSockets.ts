import { isIP } from 'node:net';
import { z } from 'zod';
import { argv, script } from '../command.js';
import type { ListenerOwner } from '../model/facts/sockets.js';
import type { Finding } from '../model/finding.js';
import {
  type CheckContext,
  finder,
  type HostCheck,
  type StepOutputs,
  sanitizeLine,
  stepOutput,
} from './check.js';
import { ownerOf, type ProcessRow, parseCgroups, parseIpAddr, parsePs } from './parseProcesses.js';
import { stepFailure, unparseable } from './stepFailure.js';

export const listeningSocketsParams = z
  .object({
    /** TCP ports that must be listening on this host (upstream ports of this host are added). */
    ports: z.array(z.number().int().min(1).max(65535)).default([]),
  })
  .strict();
export type ListeningSocketsParams = z.infer<typeof listeningSocketsParams>;

export interface SsOwner {
  process?: string;
  pid?: number;
}

/** Everything Medic knows of the process behind one listener: user, command line, owner. */
function enrich<T extends SsOwner & { line: string }>(
  s: T,
  table: Map<number, ProcessRow>,
  cgroups: Map<number, string>,
): ListenerOwner {
  const base = {
    ...(s.process !== undefined ? { process: s.process } : {}),
    ...(s.pid !== undefined ? { pid: s.pid } : {}),
    line: sanitizeLine(s.line),
  };
  if (s.pid === undefined) return base;
  const row = table.get(s.pid);
  return {
    ...base,
    ...(row ? { user: row.user, command: sanitizeLine(row.args).slice(0, 200) } : {}),
    ...(table.size > 0 || cgroups.size > 0 ? { owner: ownerOf(s.pid, table, cgroups) } : {}),
  };
}
export interface TcpListener extends SsOwner {
  /** Local address as ss shows it, without brackets: `0.0.0.0`, `*`, `::`, `127.0.0.1%lo`. */
  address: string;
  port: number;
  /** The verbatim ss line (trailing blanks trimmed). */
  line: string;
}
export interface UnixListener extends SsOwner {
  /** Socket path; abstract sockets start with `@`. */
  path: string;
  line: string;
}

/** The owner with the lowest pid (the master/parent process) from `users:(("nginx",pid=1,fd=6),…)`. */
function owner(line: string): SsOwner {
  const at = line.indexOf('users:(');
  if (at < 0) return {};
  let best: SsOwner = {};
  for (const m of line.slice(at).matchAll(/\("((?:[^"\\]|\\.)*)",pid=(\d+)/g)) {
    const pid = Number(m[2]);
    if (best.pid === undefined || pid < best.pid) best = { process: m[1] ?? '', pid };
  }
  return best;
}

/** Parse `ss -ltnpH` (also accepts a header line or a Netid column). Lines that don't fit are skipped. */
export function parseSsTcp(text: string): TcpListener[] {
  const out: TcpListener[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const t = line.trim().split(/\s+/);
    if (t[0] === 'tcp') t.shift();
    if (t[0] !== 'LISTEN' || !/^\d+$/.test(t[1] ?? '') || !/^\d+$/.test(t[2] ?? '')) continue;
    const m = /^(.*):(\d+)$/.exec(t[3] ?? '');
    if (!m?.[1]) continue;
    out.push({ address: m[1].replace(/^\[(.*)\](%.*)?$/, '$1$2'), port: Number(m[2]), ...owner(line), line });
  }
  return out;
}

/** Parse `ss -lxpH`: listening unix stream/seqpacket sockets (unconnected datagram sockets are skipped). */
export function parseSsUnix(text: string): UnixListener[] {
  const out: UnixListener[] = [];
  const re = /^(u_\w+)\s+(\S+)\s+\d+\s+\d+\s+(.+?)\s+\d+\s+\S+\s+\d+(?:\s+users:\(.*\))?$/;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const m = re.exec(line.trim());
    if (!m?.[3] || m[2] !== 'LISTEN') continue;
    out.push({ path: m[3], ...owner(line), line });
  }
  return out;
}

/** True when a line looks like ss output at all (any socket line or the header). */
const ssLike = (line: string) => /^(Netid|State|u_\w+|tcp|LISTEN|UNCONN)\s/.test(line.trim());

/** Ports of the site's upstreams served by this host, with the host name nginx connects to. */
export function upstreamPorts(ctx: CheckContext): Array<{ port: number; hostname: string }> {
  const out: Array<{ port: number; hostname: string }> = [];
  for (const u of ctx.site?.upstreams ?? []) {
    if (u.host !== ctx.host) continue;
    try {
      const url = new URL(u.url);
      const port = url.port
        ? Number(url.port)
        : url.protocol === 'https:'
          ? 443
          : url.protocol === 'http:'
            ? 80
            : 0;
      if (port > 0) out.push({ port, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1') });
    } catch {
      // not a URL: nothing to add
    }
  }
  return out;
}

/** Whether a listener bound to `address` accepts connections to `hostname` (names are given the benefit of doubt). */
export function acceptsHost(address: string, hostname: string): boolean {
  const a = address.replace(/%.*$/, '');
  const family = isIP(hostname);
  if (family === 0 || a === '*') return true;
  if (family === 4) return a === '0.0.0.0' || a === hostname;
  return a === '::' || a.toLowerCase() === hostname.toLowerCase();
}

/** The process table and cgroups, when their steps ran (owners are then known; else only pids). */
function processes(outputs: StepOutputs): { table: Map<number, ProcessRow>; cgroups: Map<number, string> } {
  const ps = outputs.ps;
  const cg = outputs.cgroups;
  return {
    table: ps && ps.code === 0 ? parsePs(ps.stdout) : new Map(),
    cgroups: cg?.stdout.trim() ? parseCgroups(cg.stdout) : new Map(),
  };
}

export const listeningSockets: HostCheck<ListeningSocketsParams> = {
  scope: 'host',
  id: 'listening-sockets',
  title: 'Listening sockets',
  params: listeningSocketsParams,
  steps: () => [
    { id: 'tcp', command: argv('ss', '-ltnpH'), privileged: true },
    { id: 'unix', command: argv('ss', '-lxpH'), privileged: true },
    // Who runs the processes behind the listeners; /proc is readable without privileges.
    { id: 'ps', command: argv('ps', '-ww', '-eo', 'pid=,ppid=,user:32=,args=') },
    { id: 'cgroups', command: script("grep -Hs -e '^0::' -e 'name=systemd' /proc/[0-9]*/cgroup") },
    { id: 'addr', command: argv('ip', '-o', 'addr', 'show') },
  ],
  parse(outputs, p, ctx): Finding[] {
    const f = finder('listening-sockets', ctx.host);
    const tcpOut = stepOutput(outputs, 'tcp');
    const failed = stepFailure(f, tcpOut, 'ss', 'listening sockets');
    if (failed) return [failed];
    const tcp = parseSsTcp(tcpOut.stdout);
    const tcpLines = tcpOut.stdout.split('\n').filter((l) => l.trim() !== '');
    if (tcp.length === 0 && !tcpLines.every(ssLike))
      return [unparseable(f, 'ss', 'listening sockets', tcpOut.stdout)];

    const findings: Finding[] = [];
    const unixOut = stepOutput(outputs, 'unix');
    let unix: UnixListener[] = [];
    const unixFailed = stepFailure(f, unixOut, 'ss', 'unix sockets');
    if (unixFailed) findings.push(unixFailed);
    else {
      unix = parseSsUnix(unixOut.stdout);
      const lines = unixOut.stdout.split('\n').filter((l) => l.trim() !== '');
      if (unix.length === 0 && !lines.every(ssLike)) {
        findings.push(unparseable(f, 'ss', 'unix sockets', unixOut.stdout));
      }
    }

    const { table, cgroups } = processes(outputs);
    const psOut = outputs.ps;
    if (psOut && psOut.code !== 0) {
      const psFailed = stepFailure(f, psOut, 'ps', 'who runs the listeners');
      if (psFailed) findings.push(psFailed);
    }
    const addrOut = outputs.addr;
    const addresses = addrOut && addrOut.code === 0 ? parseIpAddr(addrOut.stdout) : [];
    findings.unshift(
      f(
        'listening',
        'ok',
        `${tcp.length} TCP listener(s) and ${unix.length} unix socket(s)`,
        tcp.slice(0, 5).map((s) => s.line),
        {
          tcp: tcp.map((s) => ({ address: s.address, port: s.port, ...enrich(s, table, cgroups) })),
          unix: unix.map((s) => ({ path: s.path, ...enrich(s, table, cgroups) })),
          addresses,
        },
      ),
    );

    const wanted = new Map<number, string[]>();
    for (const port of p.ports) wanted.set(port, wanted.get(port) ?? []);
    for (const u of upstreamPorts(ctx)) wanted.set(u.port, [...(wanted.get(u.port) ?? []), u.hostname]);

    for (const [port, hostnames] of wanted) {
      const on = tcp.filter((s) => s.port === port);
      const evidence = on.slice(0, 5).map((s) => s.line);
      const first = on.find((s) => s.process !== undefined) ?? on[0];
      if (!first) {
        findings.push(
          f(
            'port-not-listening',
            'critical',
            `nothing listens on TCP port ${port}`,
            [`${ctx.host}: no LISTEN socket on TCP port ${port} (ss -ltn)`],
            { port },
          ),
        );
        continue;
      }
      const who = first.process ? ` (${first.process})` : '';
      const data = {
        port,
        ...(first.process !== undefined ? { process: first.process } : {}),
        address: first.address,
      };
      const unreachable = hostnames.find((h) => !on.some((s) => acceptsHost(s.address, h)));
      if (unreachable !== undefined) {
        const where = on.map((s) => s.address).join(', ');
        findings.push(
          f(
            'port-wrong-address',
            'warn',
            `port ${port}${who} listens on ${where} only, not on ${unreachable} where the upstream points`,
            evidence,
            { ...data, addresses: on.map((s) => s.address), upstreamHost: unreachable },
          ),
        );
        continue;
      }
      findings.push(
        f('port-listening', 'ok', `port ${port} is listening${who} on ${first.address}`, evidence, data),
      );
    }
    return findings;
  },
};
