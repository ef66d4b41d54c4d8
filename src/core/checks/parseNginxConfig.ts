/**
 * Tolerant reader of `nginx -T` output: splits it into files, tokenises each (comments, quotes,
 * `${var}`), follows `include` between dumped files, and lists where server blocks pass requests.
 * Not a full nginx parser: unknown or broken syntax is skipped, never thrown on.
 */
import type { NginxTarget } from '../model/facts/nginx.js';

export type { NginxTarget };

export interface NginxDirective {
  name: string;
  args: string[];
  block?: NginxDirective[];
  file: string;
  line: number;
}

export interface NginxConfigSummary {
  files: string[];
  user: string | null;
  upstreams: Record<string, string[]>;
  targets: NginxTarget[];
}

const passDirectives = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass']);
const defaultPorts: Record<string, number> = { http: 80, https: 443, grpc: 80, grpcs: 443 };
const marker = /^# configuration file (.+):$/;

/** Split `nginx -T` stdout into its files, in dump order. */
export function splitNginxDump(text: string): { file: string; text: string }[] {
  const files: { file: string; lines: string[] }[] = [];
  for (const line of text.split('\n')) {
    const m = marker.exec(line);
    if (m?.[1]) files.push({ file: m[1], lines: [] });
    else files[files.length - 1]?.lines.push(line);
  }
  return files.map((f) => ({ file: f.file, text: f.lines.join('\n') }));
}

type Token = { t: string; quoted: boolean; line: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '{' || c === '}' || c === ';') {
      tokens.push({ t: c, quoted: false, line });
      i++;
    } else if (c === '"' || c === "'") {
      const start = line;
      let word = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && (text[i + 1] === c || text[i + 1] === '\\')) i++;
        if (text[i] === '\n') line++;
        word += text[i];
        i++;
      }
      i++;
      tokens.push({ t: word, quoted: true, line: start });
    } else {
      let word = '';
      while (i < text.length) {
        const d = text[i] as string;
        if (/\s/.test(d) || d === ';' || d === '}' || (d === '{' && !word.endsWith('$'))) break;
        if (d === '{') {
          const close = text.indexOf('}', i);
          const end = close < 0 ? text.length : close + 1;
          word += text.slice(i, end);
          i = end;
          continue;
        }
        word += d;
        i++;
      }
      tokens.push({ t: word, quoted: false, line });
    }
  }
  return tokens;
}

/** Parse one file's text into directives. Unbalanced braces end the block or the file quietly. */
export function parseNginxText(text: string, file: string): NginxDirective[] {
  const tokens = tokenize(text);
  let pos = 0;
  const block = (): NginxDirective[] => {
    const out: NginxDirective[] = [];
    let words: Token[] = [];
    while (pos < tokens.length) {
      const tok = tokens[pos++] as Token;
      if (!tok.quoted && tok.t === '}') break;
      if (!tok.quoted && (tok.t === ';' || tok.t === '{')) {
        const [head, ...args] = words;
        words = [];
        const d: NginxDirective = head
          ? { name: head.t, args: args.map((a) => a.t), file, line: head.line }
          : { name: '', args: [], file, line: tok.line };
        if (tok.t === '{') d.block = block();
        if (head) out.push(d);
        continue;
      }
      words.push(tok);
    }
    return out;
  };
  return block();
}

function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^$()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`);
}

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

interface ServerCtx {
  names: string[];
  listen: string[];
}

/** Summarise `nginx -T` output; undefined when it holds no `# configuration file` marker. */
export function parseNginxConfig(dump: string): NginxConfigSummary | undefined {
  const files = splitNginxDump(dump);
  const root = files[0];
  if (!root) return undefined;
  const parsed = new Map(files.map((f) => [f.file, parseNginxText(f.text, f.file)]));
  const prefix = root.file.slice(0, root.file.lastIndexOf('/') + 1);
  let user: string | null = null;
  const upstreams = new Map<string, string[]>();
  const passes: { server: ServerCtx | undefined; directive: string; value: string }[] = [];

  const walk = (ds: NginxDirective[], parents: string[], server: ServerCtx | undefined, depth: number) => {
    if (depth > 20) return;
    const parent = parents[parents.length - 1];
    for (const d of ds) {
      if (d.name === 'include' && d.args[0]) {
        const arg = d.args[0];
        const re = globToRegExp(arg.startsWith('/') ? arg : prefix + arg);
        for (const f of files)
          if (re.test(f.file)) walk(parsed.get(f.file) ?? [], parents, server, depth + 1);
      } else if (d.name === 'user' && parent === undefined && d.args[0]) {
        user = d.args[0];
      } else if (d.name === 'upstream' && d.block && d.args[0]) {
        const name = d.args[0];
        if (!upstreams.has(name)) upstreams.set(name, []);
        walk(d.block, [...parents, `upstream:${name}`], undefined, depth + 1);
      } else if (d.name === 'server' && parent?.startsWith('upstream:') && d.args[0]) {
        upstreams.get(parent.slice('upstream:'.length))?.push(d.args[0]);
      } else if (d.name === 'server' && d.block) {
        walk(d.block, [...parents, 'server'], { names: [], listen: [] }, depth + 1);
      } else if (d.name === 'server_name' && server && parent === 'server') {
        server.names.push(...d.args);
      } else if (d.name === 'listen' && server && parent === 'server' && d.args[0]) {
        server.listen.push(d.args[0]);
      } else if (passDirectives.has(d.name) && d.args[0]) {
        passes.push({ server, directive: d.name, value: d.args[0] });
      } else if (d.block) {
        walk(d.block, [...parents, d.name], server, depth + 1);
      }
    }
  };
  walk(parsed.get(root.file) ?? [], [], undefined, 0);

  const targets: NginxTarget[] = [];
  const seen = new Set<string>();
  const add = (t: NginxTarget) => {
    const key = JSON.stringify(t);
    if (seen.has(key)) return;
    seen.add(key);
    targets.push(t);
  };
  for (const p of passes) {
    const base = {
      serverNames: p.server?.names ?? [],
      listen: p.server?.listen ?? [],
      directive: p.directive,
    };
    const where = parsePassTarget(p.value);
    const group = where.name !== undefined ? upstreams.get(where.name) : undefined;
    if (group && where.name !== undefined && group.length > 0) {
      for (const addr of group) {
        const { name: _, ...at } = parsePassTarget(addr);
        if (at.host !== undefined && at.port === undefined) at.port = 80;
        add({ ...base, target: addr, upstream: where.name, ...at });
      }
      continue;
    }
    const { name: _, ...at } = where;
    add({ ...base, target: p.value, ...(group ? { upstream: where.name } : {}), ...at });
  }
  return { files: files.map((f) => f.file), user, upstreams: Object.fromEntries(upstreams), targets };
}
