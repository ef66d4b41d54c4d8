/**
 * nginx's configuration syntax as `nginx -T` prints it: the dump split into its files, each
 * tokenised (comments, quotes, `${var}`) and parsed into nested directives. Tolerant: unknown or
 * broken syntax is skipped, never thrown on.
 */

export interface NginxDirective {
  name: string;
  args: string[];
  block?: NginxDirective[];
  file: string;
  line: number;
}

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

export function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^$()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`);
}
