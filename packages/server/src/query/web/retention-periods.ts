import type { RetentionPeriod } from '@sightline/schema';

const DAY_MS = 86_400_000;

/** Each period's length, ms. */
export const PERIOD_MS: Readonly<Record<RetentionPeriod, number>> = { day: DAY_MS, week: 7 * DAY_MS };

/**
 * Where periods start, ms after a multiple of their length from the epoch: days at 00:00 UTC,
 * weeks on Monday 00:00 UTC (1970-01-01 was a Thursday; the first Monday was 4 days later).
 */
const PERIOD_OFFSET_MS: Readonly<Record<RetentionPeriod, number>> = { day: 0, week: 4 * DAY_MS };

/** Start of the period holding `t` (ms). */
export function periodStart(t: number, period: RetentionPeriod): number {
  const size = PERIOD_MS[period];
  const offset = PERIOD_OFFSET_MS[period];
  return Math.floor((t - offset) / size) * size + offset;
}

export interface RetentionWindow {
  /** Start of the oldest cohort's period. */
  from: number;
  /** Exclusive end: just after `now` (the current period so far). */
  to: number;
  /** One period's length, ms. */
  size: number;
}

/** The last `periods` periods up to `now`, the current (partial) one included. */
export function retentionWindow(now: number, period: RetentionPeriod, periods: number): RetentionWindow {
  const size = PERIOD_MS[period];
  return { from: periodStart(now, period) - (periods - 1) * size, to: now + 1, size };
}
