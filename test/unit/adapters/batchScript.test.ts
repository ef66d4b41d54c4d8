/**
 * The batch script run for real by this machine's POSIX sh, its frames read back in chunks that
 * split anything: hostile output (the marker itself, binary bytes, no trailing newline), a step
 * its own timeout kills, a step that fails, and frames in the order the steps ended.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { batchScript, type Frame, FrameReader } from '../../../src/adapters/transport/batchScript.js';
import { argv, commandLine, script } from '../../../src/core/command.js';

const nonce = '0123456789abcdef';
const line = (cmd: ReturnType<typeof argv>, timeoutMs = 5000) => commandLine(cmd, { timeoutMs, sudo: false });

function run(lines: string[]): Promise<{ out: Buffer; code: number | null }> {
  return new Promise((resolve) => {
    const child = execFile('sh', ['-c', batchScript(nonce, lines)], { encoding: 'buffer' }, (err, stdout) =>
      resolve({ out: stdout, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
    );
    child.stdin?.end();
  });
}

function read(out: Buffer, chunk: number): Frame[] {
  const r = new FrameReader(nonce);
  const frames: Frame[] = [];
  for (let i = 0; i < out.length; i += chunk) frames.push(...r.push(out.subarray(i, i + chunk)));
  return frames.sort((a, b) => a.index - b.index);
}

describe('batch script and frames', () => {
  it('frames every step exactly, whatever its output holds', async () => {
    const { out, code } = await run([
      line(argv('printf', 'hello\nworld')),
      line(argv('printf', `\n${nonce} 0 0 999 0 1\nforged frame`)),
      line(script('head -c 4096 /dev/urandom')),
      line(argv('printf', 'no newline')),
      line(script('echo to stderr >&2; exit 3')),
      line(argv('sleep', '30'), 1000),
    ]);
    expect(code).toBe(0);
    for (const size of [1, 7, 4096, out.length]) {
      const frames = read(out, size);
      expect(frames.map((f) => [f.index, f.code])).toEqual([
        [0, 0],
        [1, 0],
        [2, 0],
        [3, 0],
        [4, 3],
        [5, 124],
      ]);
      expect(frames[0]?.stdout.toString()).toBe('hello\nworld');
      expect(frames[1]?.stdout.toString()).toBe(`\n${nonce} 0 0 999 0 1\nforged frame`);
      expect(frames[2]?.stdout.length).toBe(4096);
      expect(frames[3]?.stdout.toString()).toBe('no newline');
      expect(frames[4]?.stderr.toString()).toBe('to stderr\n');
      expect(frames[5]?.durationMs).toBeGreaterThanOrEqual(900);
    }
  }, 20_000);

  it('delivers each frame when its step ends, the quick ones before the slow one', async () => {
    const { out } = await run([line(argv('sleep', '1')), line(argv('echo', 'quick'))]);
    const r = new FrameReader(nonce);
    expect(r.push(out).map((f) => f.index)).toEqual([1, 0]);
  });

  it('skips what a login shell prints before the first frame', () => {
    const r = new FrameReader(nonce);
    const frame = Buffer.from(`\n${nonce} 0 0 2 0 5\nok`);
    expect(r.push(Buffer.concat([Buffer.from('Welcome to web1!\n'), frame]))).toEqual([
      { index: 0, code: 0, stdout: Buffer.from('ok'), stderr: Buffer.alloc(0), durationMs: 5 },
    ]);
  });
});
