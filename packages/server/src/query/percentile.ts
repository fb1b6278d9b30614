/**
 * Nearest-rank percentile of ascending-sorted values: the value at 1-based position ceil(q·n)
 * (the first when q·n < 1); null for no values. SQL quantiles (SqlDialect.quantile) use the same rule.
 */
export function nearestRank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}
