import type { LogLine } from '../../core/ports.js';

/**
 * Split the body of GET /containers/{id}/logs into lines. Without a TTY the Engine frames
 * every chunk with an 8-byte header: [stream (1 = stdout, 2 = stderr), 0, 0, 0, size (uint32 BE)].
 * With a TTY the body is the raw terminal stream (all stdout).
 */
export function demuxDockerLogs(body: Buffer, tty: boolean): LogLine[] {
  const lines: LogLine[] = [];
  const push = (stream: LogLine['stream'], text: string) => {
    for (const line of text.replace(/\r?\n$/, '').split(/\r?\n/)) lines.push({ stream, text: line });
  };
  if (tty) {
    if (body.length > 0) push('stdout', body.toString('utf8'));
    return lines;
  }
  // Reassemble per stream so a line split over two frames stays one line.
  let pending: { stream: LogLine['stream']; text: string } | null = null;
  let offset = 0;
  while (offset + 8 <= body.length) {
    const type = body[offset];
    const size = body.readUInt32BE(offset + 4);
    const chunk = body.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
    const stream: LogLine['stream'] = type === 2 ? 'stderr' : 'stdout';
    let text = chunk;
    if (pending && pending.stream === stream) text = pending.text + text;
    else if (pending) push(pending.stream, pending.text);
    pending = null;
    const cut = text.lastIndexOf('\n');
    if (cut === text.length - 1) push(stream, text);
    else if (cut >= 0) {
      push(stream, text.slice(0, cut + 1));
      pending = { stream, text: text.slice(cut + 1) };
    } else pending = { stream, text };
  }
  if (pending) push(pending.stream, pending.text);
  return lines;
}
