import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { MedicError } from '../core/errors.js';
import { configSchema, type MedicConfig } from './configSchema.js';
import { crossCheck } from './crossCheck.js';

export interface ConfigProblem {
  path: string;
  line?: number;
  message: string;
}

export class ConfigError extends MedicError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      'config.invalid',
      `${file} has ${problems.length} problem(s): ${problems.map(formatProblem).join('; ')}`,
    );
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.line ? `line ${p.line}: ` : ''}${p.path || '(top level)'}: ${p.message}`;
}

/** `sites.shop.hosts[0]` from a zod/yaml path. */
export function yamlPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    '',
  );
}

/** Parse and validate YAML text; every problem comes back with its YAML path and line. */
export function parseConfig(text: string, file: string): MedicConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: '',
        line: lines.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0] ?? '',
      })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node && typeof node === 'object' && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const problem = (path: readonly PropertyKey[], message: string): ConfigProblem => {
    const line = lineOf(path);
    return { path: yamlPath(path), ...(line ? { line } : {}), message };
  };
  const raw = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(raw);
  const problems = parsed.success
    ? []
    : parsed.error.issues.flatMap((i) =>
        i.code === 'unrecognized_keys'
          ? i.keys.map((k) => problem([...i.path, k], 'unknown key'))
          : [problem(i.path, i.message)],
      );
  let refs: ConfigProblem[] = [];
  try {
    refs = crossCheck(parsed.success ? parsed.data : (raw as MedicConfig)).map((p) =>
      problem(p.path, p.message),
    );
  } catch {
    // the raw document is too malformed to follow references; the schema problems say why
  }
  const seen = new Set(problems.map((p) => p.path));
  problems.push(...refs.filter((r) => !seen.has(r.path)));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(file, problems);
  return parsed.data;
}

/** Which config file: --config, then MEDIC_CONFIG, then ./medic.yaml. */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.MEDIC_CONFIG ?? 'medic.yaml');
}

export function loadConfig(path: string): { config: MedicConfig; dir: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new MedicError('config.unreadable', `cannot read config file ${path}`, { cause: err });
  }
  return { config: parseConfig(text, path), dir: dirname(path) };
}
