export interface BackoffOptions {
  /** First retry delay. */
  initialMs: number;
  /** Upper bound of a delay. */
  maxMs: number;
  /** Each delay is multiplied by 1 ± jitter (spreads reconnecting clients after a restart). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000, jitter: 0.2 };

/** Exponential backoff: initialMs · 2^attempt, capped, with jitter. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** attempt);
  return Math.round(base * (1 - options.jitter + 2 * options.jitter * random()));
}
