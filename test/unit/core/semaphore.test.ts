import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../src/core/engine/semaphore.js';

describe('Semaphore', () => {
  it('never lets more than the limit run at once', async () => {
    const sem = new Semaphore(3);
    let active = 0;
    let peak = 0;
    const tick = () => new Promise((r) => setImmediate(r));
    await Promise.all(
      Array.from({ length: 20 }, () =>
        sem.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await tick();
          await tick();
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(active).toBe(0);
  });
});
