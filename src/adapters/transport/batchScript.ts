import { shellQuote } from '../../core/command.js';

/**
 * One remote POSIX sh script that runs several read-only command lines at once on one SSH
 * channel, and prints each one's result as a frame as soon as it ends:
 *
 *   \n<nonce> <index> <exit code> <stdout bytes> <stderr bytes> <milliseconds>\n<stdout><stderr>
 *
 * The nonce is random per batch, and the lengths are exact, so no output (the marker included,
 * binary bytes, no trailing newline) can be taken for a frame. Each command keeps its own
 * `env LC_ALL=C timeout … [sudo -n --] cmd` line (`commandLine`), so a hanging one costs its own
 * timeout and sudoers rules stay exact. A single writer reads a fifo of finished indexes, so
 * frames never interleave. The temporary folder is removed on exit.
 */
export function batchScript(nonce: string, lines: readonly string[]): string {
  const runs = lines.map((line, i) => `r ${i} ${line} &`);
  return [
    `n=${lines.length}; m=${shellQuote(nonce)}`,
    'd=$(mktemp -d 2>/dev/null) || { echo "medic: mktemp failed" >&2; exit 97; }',
    `trap 'rm -rf "$d"' 0`,
    // Hung up (Medic closed the channel): end the steps too. Each is its own `timeout` process
    // group, out of reach of the signal the script got; sudo relays it to its command.
    `trap 'for p in "$d"/*.p; do read -r q <"$p" && kill -TERM "$q"; done 2>/dev/null; exit 143' TERM HUP INT`,
    'mkfifo "$d/q" && exec 3<>"$d/q" || { echo "medic: mkfifo failed" >&2; exit 97; }',
    // Times from /proc/uptime with the shell's own read: no process per timestamp (0 where absent).
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
    'up() { u=0; read -r u _ </proc/uptime 2>/dev/null; u=${u%.*}${u#*.}; }',
    'r() {',
    '  i=$1; shift; up; s=$u',
    '  "$@" >"$d/$i.o" 2>"$d/$i.e" </dev/null & echo $! >"$d/$i.p"; wait $!; c=$?',
    '  up; echo "$i $c $(((u - s) * 10))" >&3',
    '}',
    ...runs,
    'while [ "$n" -gt 0 ] && read -r i c t <&3; do',
    '  set -- $(wc -c "$d/$i.o" "$d/$i.e")',
    `  printf '\\n%s %s %s %s %s %s\\n' "$m" "$i" "$c" "$1" "$3" "$t"`,
    '  cat "$d/$i.o" "$d/$i.e"',
    '  n=$((n - 1))',
    'done',
  ].join('\n');
}

/** One command's result, as its frame says. */
export interface Frame {
  index: number;
  code: number;
  stdout: Buffer;
  stderr: Buffer;
  durationMs: number;
}

/**
 * Reads the frames of a batch's stdout as it arrives (chunks may split anything). Bytes before
 * the first frame (a login banner from a shell's rc file) are skipped.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly header: RegExp;
  private readonly marker: Buffer;

  constructor(nonce: string) {
    this.marker = Buffer.from(`\n${nonce} `);
    this.header = /^(\d+) (\d+) (\d+) (\d+) (-?\d+)\n/;
  }

  /** Feed a chunk; returns the frames completed by it. */
  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    for (;;) {
      const at = this.buf.indexOf(this.marker);
      if (at < 0) {
        // Keep a tail that may hold the start of the next marker.
        if (this.buf.length > this.marker.length)
          this.buf = this.buf.subarray(this.buf.length - this.marker.length);
        return out;
      }
      const rest = this.buf.subarray(at + this.marker.length);
      const nl = rest.indexOf(0x0a);
      if (nl < 0 || nl > 64) {
        if (nl > 64) {
          this.buf = rest; // not a header after all: look further
          continue;
        }
        this.buf = this.buf.subarray(at);
        return out;
      }
      const m = this.header.exec(rest.subarray(0, nl + 1).toString('latin1'));
      if (!m) {
        this.buf = rest;
        continue;
      }
      const [olen, elen] = [Number(m[3]), Number(m[4])];
      const body = rest.subarray(nl + 1);
      if (body.length < olen + elen) {
        this.buf = this.buf.subarray(at);
        return out;
      }
      out.push({
        index: Number(m[1]),
        code: Number(m[2]),
        stdout: Buffer.from(body.subarray(0, olen)),
        stderr: Buffer.from(body.subarray(olen, olen + elen)),
        durationMs: Math.max(0, Number(m[5])),
      });
      this.buf = body.subarray(olen + elen);
    }
  }
}
