import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demuxDockerLogs } from '../../../src/adapters/docker/demuxDockerLogs.js';

// Bodies of GET /containers/{id}/logs captured from a real engine (non-TTY: 8-byte frame headers).
const body = (n: string) => readFileSync(new URL(`../../fixtures/docker/logs-${n}.bin`, import.meta.url));

describe('demuxDockerLogs', () => {
  it('splits stdout and stderr frames, in order', () => {
    expect(demuxDockerLogs(body('web'), false)).toEqual([
      { stream: 'stderr', text: 'warn' },
      { stream: 'stdout', text: 'starting httpd' },
    ]);
    expect(demuxDockerLogs(body('exited'), false)).toEqual([
      { stream: 'stderr', text: 'fatal: config not found: /etc/app.yaml' },
    ]);
  });

  it('keeps every restart of a looping container', () => {
    const lines = demuxDockerLogs(body('loop'), false);
    expect(lines.filter((l) => l.text === 'boot')).toHaveLength(lines.length / 2);
    expect(lines.at(-1)).toEqual({ stream: 'stderr', text: 'panic: cannot bind 0.0.0.0:80: address in use' });
  });

  it('joins a line split across two frames of the same stream', () => {
    const frame = (type: number, text: string) => {
      const payload = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = type;
      head.writeUInt32BE(payload.length, 4);
      return Buffer.concat([head, payload]);
    };
    const b = Buffer.concat([frame(1, 'hel'), frame(1, 'lo\nwor'), frame(2, 'oops\n'), frame(1, 'ld\n')]);
    expect(demuxDockerLogs(b, false)).toEqual([
      { stream: 'stdout', text: 'hello' },
      { stream: 'stdout', text: 'wor' },
      { stream: 'stderr', text: 'oops' },
      { stream: 'stdout', text: 'ld' },
    ]);
  });

  it('reads a TTY body as raw stdout, and an empty body as nothing', () => {
    expect(demuxDockerLogs(Buffer.from('a\r\nb\r\n'), true)).toEqual([
      { stream: 'stdout', text: 'a' },
      { stream: 'stdout', text: 'b' },
    ]);
    expect(demuxDockerLogs(body('unhealthy'), false)).toEqual([]);
  });
});
