import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exitWhenDrained } from '../../src/cliExit.js';

/** A stream that accepts writes at once but drains only when told to, as a slow pipe does. */
function slowPipe() {
  const pending: Array<() => void> = [];
  const written: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      written.push(String(chunk));
      pending.push(done);
    },
  });
  const drain = () => {
    for (const done of pending.splice(0)) done();
  };
  return { stream, written, drain };
}

describe('exitWhenDrained', () => {
  it('exits only after what stdout and stderr were given has drained, in that order', async () => {
    const out = slowPipe();
    const err = slowPipe();
    const exits: number[] = [];
    out.stream.write('the whole report\n');
    err.stream.write('a warning\n');
    exitWhenDrained(1, [out.stream, err.stream], (c) => exits.push(c));
    await new Promise((r) => setImmediate(r));
    expect(exits).toEqual([]);
    out.drain();
    await new Promise((r) => setImmediate(r));
    out.drain(); // the empty write queued behind the report
    await new Promise((r) => setImmediate(r));
    expect(exits).toEqual([]);
    err.drain();
    await new Promise((r) => setImmediate(r));
    err.drain();
    await new Promise((r) => setImmediate(r));
    expect(exits).toEqual([1]);
    expect(out.written[0]).toBe('the whole report\n');
  });
});
