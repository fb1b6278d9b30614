import { z } from 'zod';

export const PRESET_RANGES = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
} as const;
export type PresetRange = keyof typeof PRESET_RANGES;

/** The largest ms a JavaScript Date can hold (±100,000,000 days from the epoch). */
const MAX_DATE_MS = 8.64e15;

/** A range bound in ms: the span of JavaScript dates, so every engine compares it as an int64 without overflow. */
const timeRangeBound = z
  .number()
  .finite()
  .min(-MAX_DATE_MS, 'time_range bounds must be within ±8.64e15 ms')
  .max(MAX_DATE_MS, 'time_range bounds must be within ±8.64e15 ms');

/** `"1h" | "24h" | "7d" | "30d" | { from, to }` (ms since epoch, `from` inclusive, `to` exclusive). */
export const timeRangeSchema = z.union(
  [
    z.enum(['1h', '24h', '7d', '30d']),
    z
      .object({ from: timeRangeBound, to: timeRangeBound })
      .refine((r) => r.from <= r.to, { error: 'time_range.from must not be after time_range.to' }),
  ],
  { error: 'time_range must be "1h", "24h", "7d", "30d" or { from, to } in ms' },
);

export type TimeRange = z.infer<typeof timeRangeSchema>;

/** Resolves a time range to absolute bounds; presets end now. */
export function resolveTimeRange(range: TimeRange, now = Date.now()): { from: number; to: number } {
  if (typeof range === 'string') return { from: now - PRESET_RANGES[range], to: now + 1 };
  return range;
}
