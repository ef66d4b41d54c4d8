import { describe, expect, it } from 'vitest';
import { RunCoalescer } from '../../../src/core/conversation/runCoalescer.js';
import type { ProgressEvent } from '../../../src/core/model/progress.js';
import type { Report } from '../../../src/core/model/report.js';

describe('RunCoalescer', () => {
  it('joins a run in progress for the same site, replaying its progress', async () => {
    const c = new RunCoalescer();
    let starts = 0;
    let finish: (r: Report) => void = () => {};
    const start = (emit: (e: ProgressEvent) => void) => {
      starts++;
      emit({ type: 'host-failed', host: 'web1', code: 'x', message: 'm' });
      return new Promise<Report>((r) => {
        finish = r;
      });
    };
    const seenA: ProgressEvent[] = [];
    const seenB: ProgressEvent[] = [];
    const a = c.run('shop', start, (e) => seenA.push(e));
    const b = c.run('shop', start, (e) => seenB.push(e));
    expect(a.joined).toBe(false);
    expect(b.joined).toBe(true);
    expect(starts).toBe(1);
    expect(seenB).toEqual(seenA);
    finish({ id: 'r1' } as Report);
    expect((await a.report).id).toBe('r1');
    expect((await b.report).id).toBe('r1');
    expect(c.inProgress()).toEqual([]);
    c.run('shop', start);
    expect(starts).toBe(2);
  });
});
