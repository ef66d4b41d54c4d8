import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/adapters/store/sqliteStore.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const stores: SqliteStore[] = [];

/** Two connections to one new file, as two Medic processes would open it. */
function twoConnections() {
  const path = join(mkdtempSync(join(tmpdir(), 'medic-lease-')), 'medic.db');
  const a = new SqliteStore(path);
  const b = new SqliteStore(path);
  stores.push(a, b);
  return { a: a.schedules.lease, b: b.schedules.lease };
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe('SqliteSchedulerLease', () => {
  it('one holder at a time across connections; renewal extends it; expiry hands it over', async () => {
    const { a, b } = twoConnections();
    expect(await a.acquire('A', t(0), 60_000)).toEqual({ held: true, holder: 'A' });
    expect(await b.acquire('B', t(1), 60_000)).toEqual({ held: false, holder: 'A' });
    expect(await a.acquire('A', t(30), 60_000)).toEqual({ held: true, holder: 'A' }); // until t(90)
    expect(await b.acquire('B', t(89), 60_000)).toEqual({ held: false, holder: 'A' });
    expect(await b.acquire('B', t(90), 60_000)).toEqual({ held: true, holder: 'B' });
    expect(await a.acquire('A', t(91), 60_000)).toEqual({ held: false, holder: 'B' });
  });

  it('release frees it at once, and only for its holder', async () => {
    const { a, b } = twoConnections();
    await a.acquire('A', t(0), 60_000);
    await b.release('B'); // not the holder: nothing happens
    expect(await b.acquire('B', t(1), 60_000)).toMatchObject({ held: false });
    await a.release('A');
    expect(await b.acquire('B', t(2), 60_000)).toEqual({ held: true, holder: 'B' });
    await a.release('A');
    expect(await a.acquire('A', t(3), 60_000)).toEqual({ held: false, holder: 'B' });
  });

  it('many attempts at the same instant grant it exactly once', async () => {
    const { a, b } = twoConnections();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).acquire(`P${i}`, t(0), 60_000)),
    );
    expect(results.filter((r) => r.held)).toHaveLength(1);
    const holder = results.find((r) => r.held)?.holder;
    expect(new Set(results.map((r) => r.holder))).toEqual(new Set([holder]));
  });
});
