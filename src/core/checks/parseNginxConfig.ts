/**
 * What `nginx -T` says about routing: the server blocks (names, ports, error logs, locations),
 * the upstream groups, and every pass target, following `include` between dumped files. Not a
 * full nginx parser: unknown or broken syntax is skipped, never thrown on.
 */
import type { NginxLocation, NginxServer, NginxTarget } from '../model/facts/nginx.js';
import { globToRegExp, type NginxDirective, parseNginxText, splitNginxDump } from './nginxSyntax.js';

export type { NginxTarget };
export { parseNginxText, splitNginxDump };

export interface NginxConfigSummary {
  files: string[];
  user: string | null;
  upstreams: Record<string, string[]>;
  targets: NginxTarget[];
  servers: NginxServer[];
  workerConnections: number | null;
  workerRlimitNofile: number | null;
}

const passDirectives = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass']);
const defaultPorts: Record<string, number> = { http: 80, https: 443, grpc: 80, grpcs: 443 };
/** Where a `*_pass` value points: a unix socket, host and port, or nothing when it uses variables. */
export function parsePassTarget(value: string): {
  unixSocket?: string;
  host?: string;
  port?: number;
  name?: string;
} {
  if (value.includes('$')) return {};
  const scheme = /^(?!unix:)([a-z][a-z0-9+]*):\/\//i.exec(value);
  const rest = scheme ? value.slice(scheme[0].length) : value;
  if (rest.startsWith('unix:')) {
    const path = rest.slice(5).split(':')[0] ?? '';
    return { unixSocket: path.replace(/^\/+/, '/') };
  }
  const m = /^(\[[^\]]*\]|[^/:\s]+)(?::(\d+))?/.exec(rest);
  if (!m?.[1]) return {};
  const host = m[1].replace(/^\[|\]$/g, '');
  const port = m[2] ? Number(m[2]) : defaultPorts[scheme?.[1]?.toLowerCase() ?? ''];
  return { host, ...(port !== undefined ? { port } : {}), ...(m[2] ? {} : { name: m[1] }) };
}

type Pass = { directive: string; value: string; at: string };

const bufferDirectives = new Set([
  'proxy_buffer_size',
  'proxy_buffers',
  'proxy_busy_buffers_size',
  'fastcgi_buffer_size',
  'fastcgi_buffers',
  'fastcgi_busy_buffers_size',
  'uwsgi_buffer_size',
  'uwsgi_buffers',
  'grpc_buffer_size',
]);

/** What a block inherits from the blocks around it. */
interface Inherited {
  errorLogs: string[];
  index: string[];
  buffers: Record<string, string>;
}

/** nginx's compiled-in default error log on Debian and most distributions. */
export const defaultErrorLog = '/var/log/nginx/error.log';

const at = (d: NginxDirective) => `${d.file}:${d.line}`;

/** Summarise `nginx -T` output; undefined when it holds no `# configuration file` marker. */
export function parseNginxConfig(dump: string): NginxConfigSummary | undefined {
  const files = splitNginxDump(dump);
  const root = files[0];
  if (!root) return undefined;
  const parsed = new Map(files.map((f) => [f.file, parseNginxText(f.text, f.file)]));
  const prefix = root.file.slice(0, root.file.lastIndexOf('/') + 1);
  let user: string | null = null;
  let workerConnections: number | null = null;
  let workerRlimitNofile: number | null = null;
  const upstreams = new Map<string, string[]>();
  const servers: NginxServer[] = [];

  /** The directives of a block with `include`s expanded (files in dump order). */
  const expand = (ds: NginxDirective[], depth = 0): NginxDirective[] =>
    depth > 20
      ? []
      : ds.flatMap((d) => {
          if (d.name !== 'include' || !d.args[0]) return [d];
          const arg = d.args[0];
          const re = globToRegExp(arg.startsWith('/') ? arg : prefix + arg);
          return files
            .filter((f) => re.test(f.file))
            .flatMap((f) => expand(parsed.get(f.file) ?? [], depth + 1));
        });

  /** Settings a block sets for itself and its children. */
  const inherit = (ds: NginxDirective[], up: Inherited): Inherited => {
    const logs = ds.filter((d) => d.name === 'error_log' && d.args[0]).map((d) => d.args[0] as string);
    const index = ds.find((d) => d.name === 'index');
    const buffers = { ...up.buffers };
    for (const d of ds) if (bufferDirectives.has(d.name)) buffers[d.name] = d.args.join(' ');
    return { errorLogs: logs.length ? logs : up.errorLogs, index: index ? index.args : up.index, buffers };
  };

  const passesOf = (ds: NginxDirective[]): Pass[] =>
    ds.flatMap((d) =>
      passDirectives.has(d.name) && d.args[0]
        ? [{ directive: d.name, value: d.args[0], at: at(d) }]
        : d.name === 'if' && d.block
          ? passesOf(expand(d.block))
          : [],
    );

  const location = (d: NginxDirective, up: Inherited, extraLogs: string[]): NginxLocation => {
    const body = expand(d.block ?? []);
    const here = inherit(body, up);
    extraLogs.push(
      ...body.filter((x) => x.name === 'error_log' && x.args[0]).map((x) => x.args[0] as string),
    );
    const tryFiles = body.find((x) => x.name === 'try_files');
    return {
      match: d.args.join(' '),
      passes: passesOf(body),
      ...(tryFiles ? { tryFiles: tryFiles.args } : {}),
      buffers: here.buffers,
      locations: body
        .filter((x) => x.name === 'location' && x.block)
        .map((x) => location(x, here, extraLogs)),
    };
  };

  const server = (d: NginxDirective, up: Inherited) => {
    const body = expand(d.block ?? []);
    const here = inherit(body, up);
    const listens = body.filter((x) => x.name === 'listen' && x.args[0]);
    const locationLogs: string[] = [];
    const locations = body
      .filter((x) => x.name === 'location' && x.block)
      .map((x) => location(x, here, locationLogs));
    servers.push({
      names: body.filter((x) => x.name === 'server_name').flatMap((x) => x.args),
      listen: listens.map((x) => x.args[0] as string),
      defaultServer: listens.some((x) => x.args.includes('default_server') || x.args.includes('default')),
      at: at(d),
      errorLogs: [...new Set([...here.errorLogs, ...locationLogs])],
      index: here.index,
      passes: passesOf(body),
      buffers: here.buffers,
      locations,
    });
  };

  const main = expand(parsed.get(root.file) ?? []);
  const top = inherit(main, { errorLogs: [defaultErrorLog], index: ['index.html'], buffers: {} });
  for (const d of main) {
    if (d.name === 'user' && d.args[0]) user = d.args[0];
    if (d.name === 'worker_rlimit_nofile' && d.args[0]) workerRlimitNofile = Number(d.args[0]) || null;
    if (d.name === 'events' && d.block) {
      const wc = expand(d.block).find((x) => x.name === 'worker_connections');
      if (wc?.args[0]) workerConnections = Number(wc.args[0]) || null;
    }
    if (d.name !== 'http' || !d.block) continue;
    const http = expand(d.block);
    const inHttp = inherit(http, top);
    for (const x of http) {
      if (x.name === 'upstream' && x.block && x.args[0]) {
        const members = expand(x.block)
          .filter((m) => m.name === 'server' && m.args[0])
          .map((m) => m.args[0] as string);
        upstreams.set(x.args[0], [...(upstreams.get(x.args[0]) ?? []), ...members]);
      }
    }
    for (const x of http) if (x.name === 'server' && x.block) server(x, inHttp);
  }

  const targets: NginxTarget[] = [];
  const seen = new Set<string>();
  const add = (t: NginxTarget) => {
    const key = JSON.stringify(t);
    if (seen.has(key)) return;
    seen.add(key);
    targets.push(t);
  };
  const targetsOf = (srv: NginxServer, p: Pass, loc?: string) => {
    const base = {
      serverNames: srv.names,
      listen: srv.listen,
      ...(loc !== undefined ? { location: loc } : {}),
      at: p.at,
      directive: p.directive,
      value: p.value,
      ...(p.value.includes('$') ? { dynamic: true } : {}),
    };
    const where = parsePassTarget(p.value);
    const group = where.name !== undefined ? upstreams.get(where.name) : undefined;
    if (group && where.name !== undefined && group.length > 0) {
      for (const addr of group) {
        const { name: _, ...target } = parsePassTarget(addr);
        if (target.host !== undefined && target.port === undefined) target.port = 80;
        add({ ...base, target: addr, upstream: where.name, ...target });
      }
      return;
    }
    const { name: _, ...target } = where;
    add({ ...base, target: p.value, ...(group ? { upstream: where.name } : {}), ...target });
  };
  const walkLocations = (srv: NginxServer, locs: NginxLocation[]) => {
    for (const l of locs) {
      for (const p of l.passes) targetsOf(srv, p, l.match);
      walkLocations(srv, l.locations);
    }
  };
  for (const srv of servers) {
    for (const p of srv.passes) targetsOf(srv, p);
    walkLocations(srv, srv.locations);
  }
  return {
    files: files.map((f) => f.file),
    user,
    upstreams: Object.fromEntries(upstreams),
    targets,
    servers,
    workerConnections,
    workerRlimitNofile,
  };
}
