/**
 * The buckets of a trend line over a time range: SQL counts per calendar unit (the dialect's
 * timeBucket: minute, hour or day, whichever gives a few hundred at most), and TypeScript folds
 * consecutive units into at most MAX_TREND_POINTS points, so a sparkline has the same few points
 * whatever the range.
 */

/** Points of a trend at most: one sparkline's worth, small enough to send for every group. */
export const MAX_TREND_POINTS = 48;

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
type TrendUnit = keyof typeof UNIT_MS;

/** The finest unit that keeps SQL to a few hundred buckets per series for spans up to a week. */
function unitFor(spanMs: number): TrendUnit {
  if (spanMs <= 3 * UNIT_MS.hour) return 'minute';
  if (spanMs <= 8 * UNIT_MS.day) return 'hour';
  return 'day';
}

export interface TrendBuckets {
  /** The unit SQL buckets by (dialect.timeBucket). */
  unit: TrendUnit;
  /** Start of the first point: the unit bucket holding the range start. */
  from: number;
  bucket_ms: number;
  buckets: number;
  /** The point a SQL bucket start (ms) falls in; outside 0 … buckets−1 when outside the range. */
  indexOf(bucketStart: number): number;
}

export function trendBuckets(from: number, to: number): TrendBuckets {
  const unit = unitFor(to - from);
  const unitMs = UNIT_MS[unit];
  const first = Math.floor(from / unitMs) * unitMs;
  const units = Math.max(1, Math.ceil((to - first) / unitMs));
  const perPoint = Math.ceil(units / MAX_TREND_POINTS);
  const bucketMs = perPoint * unitMs;
  return {
    unit,
    from: first,
    bucket_ms: bucketMs,
    buckets: Math.ceil(units / perPoint),
    indexOf: (bucketStart) => Math.floor((bucketStart - first) / bucketMs),
  };
}
