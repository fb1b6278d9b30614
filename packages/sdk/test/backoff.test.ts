import { describe, expect, it } from 'vitest';
import { backoffDelay, RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS } from '../src/core/backoff.js';

describe('backoffDelay', () => {
  it('doubles per attempt, between half and all of the ceiling', () => {
    expect(backoffDelay(1, () => 0)).toBe(RETRY_BASE_DELAY_MS / 2);
    expect(backoffDelay(1, () => 1)).toBe(RETRY_BASE_DELAY_MS);
    expect(backoffDelay(2, () => 1)).toBe(RETRY_BASE_DELAY_MS * 2);
    expect(backoffDelay(4, () => 0.5)).toBe(RETRY_BASE_DELAY_MS * 8 * 0.75);
  });

  it('never waits longer than the maximum', () => {
    expect(backoffDelay(30, () => 1)).toBe(RETRY_MAX_DELAY_MS);
    expect(backoffDelay(30, () => 0)).toBe(RETRY_MAX_DELAY_MS / 2);
  });

  it('spreads clients out (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
