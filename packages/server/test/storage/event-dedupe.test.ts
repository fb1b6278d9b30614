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

  it('splitAll (rows capture already de-duplicated) keeps every row, numbered firstSeq + i, with its fingerprint', () => {
    const dedupe = new EventDedupe(7);
    const [hi, lo] = fingerprint('p', 'stored');
    dedupe.addStored([hi], [lo]);
    // Even a row this writer would call a duplicate is kept: the check happened before the log.
    const split = dedupe.splitAll(['p', 'p', 'q'], ['stored', 'a', 'a']);
    expect(split).toMatchObject({ firstSeq: 7, length: 3, fresh: [0, 1, 2] });
    expect([split.hi[1], split.lo[1]]).toEqual(fingerprint('p', 'a'));
    expect([split.hi[2], split.lo[2]]).toEqual(fingerprint('q', 'a'));
    expect(dedupe.committed(split, false)).toEqual({ firstSeq: 7, inserted: Uint8Array.from([1, 1, 1]) });
    expect(dedupe.splitAll(['p'], ['b']).firstSeq).toBe(10);
  });

  it('committed(split, false) advances seq but keeps no fingerprints; committed(split) keeps them', () => {
    const dedupe = new EventDedupe(1);
    dedupe.committed(dedupe.splitAll(['p'], ['untracked']), false);
    expect(dedupe.split(['p'], ['untracked'])).toMatchObject({ firstSeq: 2, fresh: [0] });
    dedupe.committed(dedupe.splitAll(['p'], ['tracked']));
    expect(dedupe.split(['p'], ['tracked'])).toMatchObject({ firstSeq: 3, fresh: [] });
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
