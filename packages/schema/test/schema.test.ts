import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds, nativeEventSchema, resolveTimeRange, timeRangeSchema } from '../src/index.js';

describe('nativeEventSchema', () => {
  const valid = { uuid: '0193a5a0-0000-7000-8000-000000000000', event: 'page_view', distinct_id: 'd' };

  it('accepts ms and ISO-8601 timestamps, and properties', () => {
    expect(nativeEventSchema.safeParse({ ...valid, timestamp: 1_700_000_000_000 }).success).toBe(true);
    expect(nativeEventSchema.safeParse({ ...valid, timestamp: '2026-01-01T00:00:00.000Z' }).success).toBe(
      true,
    );
    expect(nativeEventSchema.safeParse({ ...valid, properties: { a: [1, { b: 'c' }] } }).success).toBe(true);
  });

  it('names the field that is wrong', () => {
    const result = nativeEventSchema.safeParse({ ...valid, timestamp: 'yesterday', distinct_id: '' });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['timestamp', 'distinct_id']));
  });

  it('refuses properties nested deeper than 64 levels without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const result = nativeEventSchema.safeParse({ ...valid, properties: deep });
    expect(result.success).toBe(false);
  });
});

describe('jsonDepthExceeds', () => {
  it('counts objects and arrays alike', () => {
    expect(jsonDepthExceeds({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(jsonDepthExceeds({ a: [{ b: [] }] }, 3)).toBe(true);
    expect(jsonDepthExceeds('scalar', 0)).toBe(false);
  });
});

describe('time ranges', () => {
  it('resolves presets to the window ending now', () => {
    expect(resolveTimeRange('1h', 10_000_000)).toEqual({ from: 10_000_000 - 3_600_000, to: 10_000_001 });
    expect(resolveTimeRange({ from: 1, to: 2 })).toEqual({ from: 1, to: 2 });
  });

  it('refuses unknown presets and reversed ranges', () => {
    expect(timeRangeSchema.safeParse('2y').success).toBe(false);
    expect(timeRangeSchema.safeParse({ from: 5, to: 1 }).success).toBe(false);
  });
});
