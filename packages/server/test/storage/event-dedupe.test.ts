import { describe, expect, it } from 'vitest';
import { EventDedupe, FingerprintSet, fingerprint } from '../../src/storage/event-dedupe.js';

/** The one dedupe / seq module both engines' event writers use (storage/event-dedupe.ts). */
describe('EventDedupe', () => {
  it('keeps the first of repeats in a group, drops what is stored, and numbers row i firstSeq + i', () => {
    const dedupe = new EventDedupe(10);
    const first = dedupe.split(['p', 'p', 'p', 'q'], ['a', 'b', 'a', 'a']);
    expect(first).toMatchObject({ firstSeq: 10, length: 4, fresh: [0, 1, 3] });
    const result = dedupe.committed(first);
    expect(result).toEqual({ firstSeq: 10, inserted: Uint8Array.from([1, 1, 0, 1]) });
    const retry = dedupe.split(['p', 'p'], ['b', 'c']);
    expect(retry).toMatchObject({ firstSeq: 14, fresh: [1] });
  });

  it('lets a rolled-back group be retried with the same rows and seqs; a skipped one never reuses its seqs', () => {
    const dedupe = new EventDedupe(1);
    const failed = dedupe.split(['p'], ['a']);
    // Nothing committed: the retry is new, and (a rolled-back store) takes the same seqs.
    const retried = dedupe.split(['p'], ['a']);
    expect(retried).toMatchObject({ firstSeq: 1, fresh: [0] });
    dedupe.skip(failed);
    expect(dedupe.split(['p'], ['a'])).toMatchObject({ firstSeq: 2, fresh: [0] });
  });

  it('knows the fingerprints stored before it started', () => {
    const [hi, lo] = fingerprint('p', 'stored');
    const dedupe = new EventDedupe(100);
    dedupe.addStored([hi], [lo]);
    expect(dedupe.split(['p', 'p'], ['stored', 'new']).fresh).toEqual([1]);
  });

  it('advanceTo moves the next seq past rows another writer numbered (the log loader), never back', () => {
    const dedupe = new EventDedupe(5);
    dedupe.advanceTo(12);
    expect(dedupe.split(['p'], ['a']).firstSeq).toBe(12);
    dedupe.advanceTo(3);
    expect(dedupe.split(['p'], ['a']).firstSeq).toBe(12);
  });

  it('holds many fingerprints, the all-zero one included, across growth', () => {
    const set = new FingerprintSet(16);
    for (let i = 0; i < 10_000; i++) expect(set.add(i, i * 7)).toBe(true);
    expect(set.add(0, 0)).toBe(false);
    expect(set.size).toBe(10_000);
    for (let i = 0; i < 10_000; i++) expect(set.has(i, i * 7)).toBe(true);
    expect(set.has(1, 0)).toBe(false);
  });
});
