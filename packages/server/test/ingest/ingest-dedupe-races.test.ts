import { describe, expect, it } from 'vitest';
import { IngestDedupe } from '../../src/ingest/ingest-dedupe.js';
import type { EventRow } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';

const named = (prefix: string, n: number): EventRow[] =>
  Array.from({ length: n }, (_, i) => makeRow({ uuid: `${prefix}-${i}` }));

/** Whether a promise has settled by the time pending callbacks ran (without waiting for it). */
async function settled<T>(promise: Promise<T>): Promise<{ value: T } | null> {
  let result: { value: T } | null = null;
  void promise.then((value) => {
    result = { value };
  });
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

/**
 * ingest/ingest-dedupe.ts: a retry racing its original on another connection may only be answered
 * once the original's append is known durable — and must be refused if it failed.
 */
describe('IngestDedupe races', () => {
  it('a racing retry waits for the original, and learns it became durable', async () => {
    const dedupe = new IngestDedupe();
    const original = dedupe.claim(named('race', 3));
    const retry = dedupe.claim(named('race', 3));
    expect(retry.fresh).toEqual([]);
    expect(retry.duplicates).toBe(3);
    expect(retry.racing).toHaveLength(1);
    const outcome = Promise.all(retry.racing);
    expect(await settled(outcome)).toBeNull();
    dedupe.confirm(original);
    expect(await settled(outcome)).toEqual({ value: [true] });
  });

  it('a racing retry learns the original failed, and the next retry is fresh', async () => {
    const dedupe = new IngestDedupe();
    const original = dedupe.claim(named('lost', 2));
    const retry = dedupe.claim(named('lost', 2));
    dedupe.abandon(original);
    expect(await Promise.all(retry.racing)).toEqual([false]);
    const again = dedupe.claim(named('lost', 2));
    expect(again.fresh).toHaveLength(2);
    expect(again.racing).toEqual([]);
  });

  it('a retry racing two requests waits for both, each once', async () => {
    const dedupe = new IngestDedupe();
    const a = dedupe.claim(named('a', 2));
    const b = dedupe.claim(named('b', 2));
    const retry = dedupe.claim([...named('a', 2), ...named('b', 2), makeRow({ uuid: 'new' })]);
    expect(retry.fresh.map((r) => r.uuid)).toEqual(['new']);
    expect(retry.racing).toHaveLength(2);
    dedupe.confirm(a);
    expect(await settled(Promise.all(retry.racing))).toBeNull();
    dedupe.abandon(b);
    expect(await Promise.all(retry.racing)).toEqual([true, false]);
  });

  it('a uuid repeated within one request is a duplicate, not a race with itself', () => {
    const dedupe = new IngestDedupe();
    const claim = dedupe.claim([makeRow({ uuid: 'twice' }), makeRow({ uuid: 'twice' })]);
    expect(claim.fresh).toHaveLength(1);
    expect(claim.duplicates).toBe(1);
    expect(claim.racing).toEqual([]);
  });

  it('a retry after the original was confirmed is a plain duplicate (nothing to wait for)', () => {
    const dedupe = new IngestDedupe();
    dedupe.confirm(dedupe.claim(named('done', 2)));
    const retry = dedupe.claim(named('done', 2));
    expect(retry.duplicates).toBe(2);
    expect(retry.racing).toEqual([]);
  });

  it('many requests in flight at once: each keeps its own events, retries of all of them are duplicates', () => {
    const dedupe = new IngestDedupe();
    const claims = Array.from({ length: 200 }, (_, r) => dedupe.claim(named(`req${r}`, 50)));
    expect(claims.every((c) => c.fresh.length === 50 && c.duplicates === 0)).toBe(true);
    // Half fail, half become durable, in an order unlike the one they were claimed in.
    for (let r = claims.length - 1; r >= 0; r--) {
      if (r % 2 === 0) dedupe.confirm(claims[r]!);
      else dedupe.abandon(claims[r]!);
    }
    for (let r = 0; r < 200; r++) {
      const retry = dedupe.claim(named(`req${r}`, 50));
      expect(retry.duplicates, `request ${r}`).toBe(r % 2 === 0 ? 50 : 0);
      expect(retry.racing).toEqual([]);
    }
  });
});
