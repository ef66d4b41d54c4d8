/**
 * Pure parser for a unit's journal (`journalctl -u UNIT --no-pager -o short-iso`): systemd's own
 * account of the unit (how the main process died, restarts, start limits, timeouts) and what the
 * program behind it printed (Gunicorn, uWSGI, Python tracebacks, Node.js crashes).
 */

export interface JournalLine {
  raw: string;
  /** As logged, e.g. `2026-12-02T16:03:35+0000`. */
  time: string;
  host: string;
  /** The syslog identifier: `systemd`, `gunicorn`, `uwsgi`, `node`, `python3`, `sh`… */
  program: string;
  pid: number | null;
  /** The text after `program[pid]: `, leading spaces kept (traceback frames are indented). */
  message: string;
}

const journalRe =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?) (\S+) ([^\s[]+?)(?:\[(\d+)\])?(?:: (.*)|:)$/;

/** One `-o short-iso` line; undefined for journalctl's own `-- … --` lines and anything else. */
export function parseJournalLine(raw: string): JournalLine | undefined {
  const m = journalRe.exec(raw.replace(/\r$/, ''));
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  const [, time, host, program, pid, message = ''] = m;
  return { raw: m[0], time, host, program, pid: pid ? Number(pid) : null, message };
}

interface EventBase {
  /** The line the event is about, verbatim (for a traceback or crash: its final error line). */
  line: string;
  time: string;
  program: string;
  pid: number | null;
  /** Further verbatim lines that belong to it (a traceback's first lines and its origin frame). */
  context: string[];
}

export type BackendEvent = EventBase &
  (
    | { kind: 'main-exited'; unit: string; how: ExitHow; status: number; statusName: string }
    | { kind: 'unit-failed'; unit: string; result: string }
    | { kind: 'restart-scheduled'; unit: string; counter: number }
    | { kind: 'start-limit-hit' | 'oom-killer'; unit: string }
    | { kind: 'start-failed' | 'stopped'; unit: string | null; description: string }
    | { kind: 'deactivated'; unit: string }
    | { kind: 'unit-timeout'; unit: string; state: string }
    | { kind: 'worker-timeout'; workerPid: number | null; worker: number | null; request: string | null }
    | ({ kind: 'worker-signal'; workerPid: number; worker: number | null } & SignalInfo)
    | { kind: 'worker-exit'; workerPid: number; worker: number | null; code: number | null }
    | { kind: 'boot-failed'; reason: string }
    | { kind: 'listen-queue-full'; socket: string; queued: number; backlog: number }
    | { kind: 'address-in-use'; address: string | null }
    | { kind: 'bind-failed'; address: string }
    | { kind: 'exception'; language: Language; error: string; origin: string | null; request: string | null }
    | { kind: 'heap-oom'; message: string }
    | { kind: 'killed'; killedPid: number | null; command: string | null }
  );

type Language = 'python' | 'node';
type ExitHow = 'exited' | 'killed' | 'dumped';

interface SignalInfo {
  signal: number;
  signalName: string;
  coreDumped: boolean;
  /** Gunicorn's own guess, e.g. `Perhaps out of memory?`. */
  hint: string | null;
}

type Detail = BackendEvent extends infer E ? (E extends unknown ? Omit<E, keyof EventBase> : never) : never;

const signalNames = ',HUP,INT,QUIT,ILL,TRAP,ABRT,BUS,FPE,KILL,USR1,SEGV,USR2,PIPE,ALRM,TERM'.split(',');

/** A signal number, or a wait status (Gunicorn's `code 134`: signal 6 with the core-dump bit). */
function signalInfo(n: number, hint: string | null): SignalInfo {
  const signal = n & 0x7f;
  const name = signalNames[signal];
  return { signal, signalName: name ? `SIG${name}` : String(signal), coreDumped: (n & 0x80) !== 0, hint };
}

/** A pattern whose named groups are the event's fields, with the fields it has when a group is absent. */
type Rule = [kind: Detail['kind'], re: RegExp, fixed?: Record<string, unknown>];
const numeric = /^(?:status|counter|workerPid|worker|code|queued|backlog|killedPid|signal)$/;
const unitTitle = '(?:(?<unit>\\S+\\.(?:service|socket|timer|mount|target|scope)) - )?(?<description>.*)\\.$';

const mainExited =
  /^(?<unit>\S+): Main process exited, code=(?<how>exited|killed|dumped), status=(?<status>\d+)\/(?<statusName>.+)$/;
const wasSent =
  /^Worker \(pid:(?<workerPid>\d+)\) was sent (?:SIG(?<name>\w+)|code (?<signal>\d+))!(?: (?<hint>.*))?$/;
const queueFull =
  /uWSGI listen queue of socket "(?<socket>.+)" \(fd: \d+\) full !!! \((?<queued>\d+)\/(?<backlog>\d+)\)/;
const damn = '^DAMN ! worker (?<worker>\\d+) \\(pid: (?<workerPid>\\d+)\\) died';

/** systemd 252's messages about a unit (src/core/service.c, unit.c); older systemd omits `unit - `. */
const systemdRules: Rule[] = [
  ['main-exited', mainExited],
  ['unit-failed', /^(?<unit>\S+): Failed with result '(?<result>[\w-]+)'\.$/],
  ['restart-scheduled', /^(?<unit>\S+): Scheduled restart job, restart counter is at (?<counter>\d+)\.$/],
  ['start-limit-hit', /^(?<unit>\S+): Start request repeated too quickly\.$/],
  ['oom-killer', /^(?<unit>\S+): A process of this unit has been killed by the OOM killer\.$/],
  ['unit-timeout', /^(?<unit>\S+): (?:(?<op>\S+) operation timed out|State '(?<state>[\w-]+)' timed out)\./],
  ['deactivated', /^(?<unit>\S+): Deactivated successfully\.$/],
  ['start-failed', new RegExp(`^Failed to start ${unitTitle}`)],
  ['stopped', new RegExp(`^Stopped ${unitTitle}`)],
];

/** Gunicorn 20.x–23.x, the text after `[date] [pid] [LEVEL] ` (gunicorn/arbiter.py, sock.py). */
const gunicornRules: Rule[] = [
  ['worker-timeout', /^WORKER TIMEOUT \(pid:(?<workerPid>\d+)\)/, { request: null }],
  ['worker-signal', wasSent],
  ['worker-signal', /^Worker with pid (?<workerPid>\d+) was terminated due to signal (?<signal>\d+)/],
  ['worker-exit', /^Worker \(pid:(?<workerPid>\d+)\) exited with code (?<code>\d+)/],
  ['boot-failed', /^Reason: (?<reason>.*)$/],
  ['address-in-use', /^Connection in use: (?<address>.*)$/],
  ['bind-failed', /^Can't connect to (?<address>.*)$/],
];

/** uWSGI 2.0 (core/master_checks.c, master_utils.c, socket.c, uwsgi.c; plugins/python). */
const uwsgiRules: Rule[] = [
  ['worker-timeout', /HARAKIRI ON WORKER (?<worker>\d+) \(pid: (?<workerPid>\d+)/, { request: null }],
  ['worker-timeout', /^HARAKIRI !!! worker (?<worker>\d+) status !!!/, { workerPid: null, request: null }],
  ['listen-queue-full', queueFull],
  ['worker-signal', new RegExp(`${damn}, killed by signal (?<signal>\\d+)`)],
  ['worker-exit', new RegExp(damn), { code: null }],
  ['worker-signal', /^!!! uWSGI process (?<workerPid>\d+) got Segmentation Fault !!!/, { signal: 11 }],
  ['address-in-use', /^probably another instance of uWSGI .* address \((?<address>.+)\)\.$/],
  ['boot-failed', /^(?<reason>unable to load app \d+ .*|--- no python application found.*)$/],
];

/** Node.js's fatal heap message, a shell's report of a SIGKILLed child, and the errno text anywhere. */
const genericRules: Rule[] = [
  ['heap-oom', /^FATAL ERROR: (?<message>.*JavaScript heap out of memory.*)$/],
  ['killed', /^Killed$/, { killedPid: null, command: null }],
  ['killed', /line \d+: +(?<killedPid>\d+) Killed +(?<command>.*?)\s*$/],
  ['address-in-use', /Address already in use/, { address: null }],
];

const gunicornAll = [...gunicornRules, ...genericRules];
const uwsgiAll = [...uwsgiRules, ...genericRules];
const gunicornPrefix = /^\[\d{4}-\d{2}-\d{2} [\d:]{8} [+-]\d{4}\] \[\d+\] \[[A-Z]+\] (.*)$/;
const uwsgiDate = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d [\d:]{8} \d{4} - /;

interface Block {
  lang: Language;
  lines: JournalLine[];
  error?: JournalLine;
  header: boolean;
  frames: number;
  request: string | null;
  seq: number;
}

/**
 * Typed events from a unit's journal, in the order of their lines (a block's event sits at its final
 * line). Lines of one process are grouped by `program[pid]`, so interleaved processes do not mix.
 * Lines that say nothing about a failure yield nothing; whether an event matters (a worker SIGTERMed
 * by a stop, a restart counter of 1) is for the check to decide.
 */
export function parseBackendLog(text: string): BackendEvent[] {
  const out: { seq: number; e: BackendEvent }[] = [];
  const blocks = new Map<string, Block>();
  const prev = new Map<string, BackendEvent | null>();
  const pendingRequest = new Map<string, string>();
  const push = (seq: number, l: JournalLine, d: Detail, context: string[] = []): BackendEvent => {
    const e = { line: l.raw, time: l.time, program: l.program, pid: l.pid, context, ...d } as BackendEvent;
    out.push({ seq, e });
    return e;
  };
  const finish = (key: string) => {
    const b = blocks.get(key);
    blocks.delete(key);
    if (!b?.error || (b.lang === 'node' && !b.header && b.frames === 0)) return;
    const before = b.lines.slice(0, b.lines.indexOf(b.error));
    const frame = originFrame(b, before);
    const context = [...before.slice(0, 3), ...(frame && !before.slice(0, 3).includes(frame) ? [frame] : [])];
    const error = b.error.message;
    const origin = frame ? frame.message.trim() : null;
    const inUse = /EADDRINUSE|Address already in use/i.test(error);
    const address = /address already in use (\S+)/i.exec(error)?.[1] ?? null;
    const d: Detail = inUse
      ? { kind: 'address-in-use', address }
      : { kind: 'exception', language: b.lang, error, origin, request: b.request };
    const lines = context.map((l) => l.raw);
    push(b.seq, b.error, d, lines);
  };
  text.split('\n').forEach((raw, seq) => {
    if (/^-- Boot \S+ --$/.test(raw.trim())) {
      for (const key of [...blocks.keys()]) finish(key);
      prev.clear();
      return;
    }
    const l = parseJournalLine(raw);
    if (!l) return;
    const key = `${l.program}[${l.pid ?? ''}]`;
    const b = blocks.get(key);
    if (b) {
      const fed = feed(b, l, seq);
      if (fed !== 'consumed') finish(key);
      if (fed !== 'rejected') return;
    }
    const msg = l.message;
    if (msg === 'Traceback (most recent call last):' || /^(?:\/\S+|node:[\w/]+|file:\S+):\d+$/.test(msg)) {
      const lang = msg.startsWith('Traceback') ? 'python' : 'node';
      const request = pendingRequest.get(key) ?? null;
      pendingRequest.delete(key);
      blocks.set(key, { lang, lines: [l], header: true, frames: 0, request, seq });
      return;
    }
    if (/^(?:[A-Z][A-Za-z]*)?Error(?: \[[\w]+\])?: /.test(msg)) {
      blocks.set(key, { lang: 'node', lines: [l], error: l, header: false, frames: 0, request: null, seq });
      return;
    }
    const gunicorn = l.program === 'systemd' ? undefined : gunicornPrefix.exec(msg)?.[1];
    const body = gunicorn ?? msg.replace(uwsgiDate, '');
    const handling = /^Error handling request (.*)$/.exec(body);
    if (handling?.[1]) pendingRequest.set(key, handling[1]);
    const last = prev.get(key) ?? null;
    const harakiriRequest = /^HARAKIRI \[core \d+\] \S+ - (.+?) since \d+/.exec(body)?.[1];
    if (harakiriRequest && last?.kind === 'worker-timeout' && !last.request) {
      last.request = harakiriRequest;
      return;
    }
    const rules = l.program === 'systemd' ? systemdRules : gunicorn ? gunicornAll : uwsgiAll;
    const d = firstMatch(rules, body);
    if (d && last && isRepeat(d, last)) return;
    prev.set(key, d ? push(seq, l, d) : null);
  });
  for (const key of [...blocks.keys()]) finish(key);
  return out.sort((a, b) => a.seq - b.seq).map((x) => x.e);
}

/** The same fact on the next line of the same process (uWSGI's two HARAKIRI headers, Gunicorn 23's errno line). */
function isRepeat(d: Detail, last: BackendEvent): boolean {
  if (d.kind !== last.kind) return false;
  if (d.kind === 'address-in-use') return !d.address;
  if (d.kind === 'worker-timeout') return last.kind === d.kind && d.worker === last.worker;
  return d.kind === 'worker-exit' && last.kind === d.kind && d.workerPid === last.workerPid;
}

function firstMatch(rules: Rule[], text: string): Detail | null {
  for (const [kind, re, fixed] of rules) {
    const m = re.exec(text);
    if (!m) continue;
    const worker = kind.startsWith('worker-') ? { worker: null } : {};
    const f: Record<string, unknown> = { kind, ...worker, ...fixed };
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      if (v !== undefined) f[k] = numeric.test(k) ? Number(v) : v;
      else f[k] ??= null;
    }
    if (kind === 'unit-timeout') f.state = f.op ?? f.state;
    if (kind === 'worker-signal') {
      const byName = f.name ? signalNames.indexOf(f.name as string) : 0;
      Object.assign(f, signalInfo(Number(f.signal ?? byName), (f.hint as string | null) ?? null));
    }
    delete f.op;
    delete f.name;
    return f as Detail;
  }
  return null;
}

const chained = /^(?:During handling of the above exception|The above exception was the direct cause)/;

/** Add a line to an open traceback or crash block: consumed, the block's last line, or not part of it. */
function feed(b: Block, l: JournalLine, seq: number): 'consumed' | 'done' | 'rejected' {
  const msg = l.message;
  const indented = msg === '' || /^\s/.test(msg);
  if (!indented && gunicornPrefix.test(msg)) return 'rejected';
  if (!b.error) {
    if (!indented && !(b.lang === 'python' && msg.startsWith('Traceback ('))) {
      b.error = l;
      b.seq = seq;
    }
    b.lines.push(l);
    return 'consumed';
  }
  if (b.lang === 'python') {
    if (!chained.test(msg)) return 'rejected';
    b.error = undefined;
  } else if (/^\s+at /.test(msg)) b.frames++;
  else if (/^Node\.js v\d/.test(msg)) {
    b.lines.push(l);
    return 'done';
  } else if (!indented && !/^(?:Emitted 'error' event|[{}])/.test(msg)) return 'rejected';
  b.lines.push(l);
  return 'consumed';
}

/** Python: the last `File "…"` frame. Node: the header when it is the app's file, else its first own frame. */
function originFrame(b: Block, before: JournalLine[]): JournalLine | undefined {
  if (b.lang === 'python') return before.filter((l) => /^\s+File "/.test(l.message)).pop();
  const head = b.header ? b.lines[0] : undefined;
  if (head && !head.message.startsWith('node:')) return head;
  const frames = b.lines.filter((l) => /^\s+at /.test(l.message));
  return frames.find((l) => !/\(node:|at node:/.test(l.message)) ?? frames[0];
}
