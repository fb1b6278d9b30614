import { describe, expect, it } from 'vitest';
import { FingerprintOwners } from '../../src/ingest/fingerprint-owners.js';
import { createRng } from '../../src/simulate/prng.js';

interface Owner {
  name: string;
}

const key = (hi: number, lo: number) => `${hi}:${lo}`;

/**
 * ingest/fingerprint-owners.ts: the table capture keeps its in-flight fingerprints in. Its removal
 * moves entries around (no tombstones), so it is checked against a Map on long random runs where
 * most fingerprints share a few home slots, runs wrap around the table's end, and it grows.
 */
describe('FingerprintOwners', () => {
  it('answers like a Map through random holds and releases with colliding fingerprints', () => {
    const rng = createRng(17);
    const rand = (n: number) => Math.floor(rng.next() * n);
    const owners: Owner[] = Array.from({ length: 5 }, (_, i) => ({ name: `o${i}` }));
    const table = new FingerprintOwners<Owner>(16);
    const model = new Map<string, Owner>();
    // lo ^ hi picks the home slot: few distinct values of it make long probe runs that collide.
    const pool = Array.from({ length: 300 }, (_, i) => {
      const home = [0, 1, 15, 31, 1023][i % 5]!;
      const hi = (i * 2654435761) >>> 0;
      return [hi, (hi ^ home) >>> 0] as const;
    });
    for (let step = 0; step < 20_000; step++) {
      const [hi, lo] = pool[rand(pool.length)]!;
      const owner = owners[rand(owners.length)]!;
      const held = model.get(key(hi, lo));
      if (rand(3) < 2) {
        expect(table.hold(hi, lo, owner)).toBe(held);
        if (held === undefined) model.set(key(hi, lo), owner);
      } else {
        table.release(hi, lo, owner);
        if (held === owner) model.delete(key(hi, lo));
      }
      if (step % 97 === 0) {
        for (const [h, l] of pool) expect(table.get(h, l)).toBe(model.get(key(h, l)));
        expect(table.size).toBe(model.size);
      }
    }
    for (const [h, l] of pool) expect(table.get(h, l)).toBe(model.get(key(h, l)));
  });

  it('keeps (0, 0) like any other fingerprint', () => {
    const table = new FingerprintOwners<Owner>();
    const owner = { name: 'a' };
    expect(table.get(0, 0)).toBeUndefined();
    expect(table.hold(0, 0, owner)).toBeUndefined();
    expect(table.get(0, 0)).toBe(owner);
    table.release(0, 0, owner);
    expect(table.get(0, 0)).toBeUndefined();
  });

  it('a release by someone who does not hold the fingerprint leaves it held', () => {
    const table = new FingerprintOwners<Owner>();
    const first = { name: 'first' };
    const other = { name: 'other' };
    table.hold(7, 9, first);
    expect(table.hold(7, 9, other)).toBe(first);
    table.release(7, 9, other);
    expect(table.get(7, 9)).toBe(first);
  });

  it('is empty again after a hundred thousand fingerprints came and went', () => {
    const table = new FingerprintOwners<Owner>();
    const owner = { name: 'burst' };
    const prints = Array.from(
      { length: 100_000 },
      (_, i) => [(i * 40503) >>> 0, (i * 2246822507) >>> 0] as const,
    );
    for (const [hi, lo] of prints) table.hold(hi, lo, owner);
    expect(table.size).toBe(prints.length);
    for (const [hi, lo] of prints) table.release(hi, lo, owner);
    expect(table.size).toBe(0);
    expect(prints.some(([hi, lo]) => table.get(hi, lo) !== undefined)).toBe(false);
  });
});
