import { describe, expect, it } from 'vitest';
import { RecentEvents } from '../../src/processor/recent-events.js';
import { makeRow } from '../support/rows.js';

const commit = (firstSeq: number, inserted: number[]) => ({
  rows: inserted.map((_, i) => makeRow({ uuid: `u${firstSeq + i}` })),
  result: { firstSeq, inserted: Uint8Array.from(inserted) },
});

describe('RecentEvents: committed events handed to the processor in memory', () => {
  it('serves stored events after a seq, skipping duplicates, in seq order and up to a limit', () => {
    const recent = new RecentEvents();
    const a = commit(1, [1, 0, 1]);
    const b = commit(4, [1, 1]);
    recent.add(a.rows, a.result);
    recent.add(b.rows, b.result);
    expect(recent.after(0, 10)!.map((e) => e.seq)).toEqual([1, 3, 4, 5]);
    expect(recent.after(3, 10)!.map((e) => e.uuid)).toEqual(['u4', 'u5']);
    expect(recent.after(0, 2)!.map((e) => e.seq)).toEqual([1, 3]);
    expect(recent.after(5, 10)).toEqual([]);
  });

  it('answers null when it cannot vouch for everything after the seq asked for', () => {
    const recent = new RecentEvents();
    expect(recent.after(0, 10)).toBeNull();
    const b = commit(11, [1]);
    recent.add(b.rows, b.result);
    expect(recent.after(5, 10)).toBeNull(); // seqs 6..10 were committed before it started listening
    expect(recent.after(10, 10)!.map((e) => e.seq)).toEqual([11]);
    const gap = commit(20, [1]);
    recent.add(gap.rows, gap.result); // seqs 12..19 went around it: start over from here
    expect(recent.after(11, 10)).toBeNull();
    expect(recent.after(19, 10)!.map((e) => e.seq)).toEqual([20]);
  });

  it('releases what was processed and stays within its capacity', () => {
    const recent = new RecentEvents(3);
    for (let k = 0; k < 4; k++) {
      const c = commit(1 + k * 2, [1, 1]);
      recent.add(c.rows, c.result);
    }
    expect(recent.after(0, 10)).toBeNull(); // the oldest commits were dropped
    expect(recent.after(6, 10)!.map((e) => e.seq)).toEqual([7, 8]);
    recent.release(8);
    expect(recent.after(8, 10)).toBeNull();
  });
});
