// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createQueue } from '../src/core/queue.js';
import type { CapturedEvent } from '../src/index.js';

const event = (n: number): CapturedEvent => ({
  uuid: `u${n}`,
  event: 'e',
  timestamp: n,
  distinct_id: 'd',
  session_id: 's',
  properties: { n },
});

describe('offline queue', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => vi.restoreAllMocks());

  it('keeps events in order in localStorage, where the next page finds them', () => {
    const queue = createQueue('q', 10);
    expect(queue.add(event(1))).toBe(1);
    expect(queue.add(event(2))).toBe(2);
    expect(JSON.parse(localStorage.getItem('q')!)).toEqual([event(1), event(2)]);
    expect(createQueue('q', 10).peek(5)).toEqual([event(1), event(2)]);
  });

  it('is bounded: the oldest events are dropped first', () => {
    const queue = createQueue('q', 3);
    for (let n = 1; n <= 5; n++) queue.add(event(n));
    expect(queue.peek(10).map((e) => e.uuid)).toEqual(['u3', 'u4', 'u5']);
  });

  it('removes only acknowledged events, by uuid', () => {
    const queue = createQueue('q', 10);
    for (let n = 1; n <= 4; n++) queue.add(event(n));
    queue.remove(['u1', 'u3']);
    expect(queue.peek(10).map((e) => e.uuid)).toEqual(['u2', 'u4']);
    queue.clear();
    expect(queue.peek(10)).toEqual([]);
  });

  it('does not overwrite what another tab queued meanwhile', () => {
    const tabA = createQueue('q', 10);
    const tabB = createQueue('q', 10);
    tabA.add(event(1));
    tabB.add(event(2));
    tabA.remove(['u1']);
    expect(tabB.peek(10).map((e) => e.uuid)).toEqual(['u2']);
  });

  it('keeps working in memory when storage refuses writes', () => {
    // happy-dom's Storage is a proxy: spies on it must be restored by hand.
    const refuse = vi.spyOn(localStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    try {
      const queue = createQueue('q-full', 10);
      queue.add(event(1));
      queue.add(event(2));
      expect(localStorage.getItem('q-full')).toBeNull();
      expect(queue.peek(10).map((e) => e.uuid)).toEqual(['u1', 'u2']);
      queue.clear();
    } finally {
      refuse.mockRestore();
    }
  });

  it('survives corrupt storage', () => {
    localStorage.setItem('q', '{not json');
    const queue = createQueue('q', 10);
    expect(queue.peek(10)).toEqual([]);
    expect(queue.add(event(1))).toBe(1);
  });
});
