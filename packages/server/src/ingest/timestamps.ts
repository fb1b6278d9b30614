import { LIMITS } from '@sightline/schema';

/**
 * The one place that decides which client times are believed. Every source (native `sent_at`,
 * PostHog `sent_at` / `?_=` / `PostHog-Request-Timestamp` / `offset`, Segment `sentAt`) passes its
 * clock readings through here, and every stored timestamp is checked against the window in
 * LIMITS. Before this, `timestamp: 1e19` or `sent_at: 1e300` passed validation and failed the
 * whole group commit (int64 overflow) for every client in it.
 */

/** A client's clock reading (a batch's send time) is used for skew correction only when sane. */
export function saneClientClock(ms: number | undefined): number | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  return ms >= LIMITS.minTimestampMs && ms <= LIMITS.maxClientClockMs ? ms : undefined;
}

/**
 * Below this, `receivedAt - sentAt` is network and queueing time, not a wrong clock: correcting
 * it would shift a whole batch by its transit time and could reorder it against the next batch.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 1_000;

/**
 * Client clocks drift. The client stamps each event and the batch's send time with the same
 * clock, so `timestamp + (receivedAt - sentAt)` places the event on the server's clock.
 */
export function correctedTimestamp(
  timestamp: number | undefined,
  receivedAt: number,
  sentAt: number | undefined,
): number {
  if (timestamp === undefined) return receivedAt;
  const clock = saneClientClock(sentAt);
  if (clock === undefined) return timestamp;
  const skew = receivedAt - clock;
  return Math.abs(skew) < CLOCK_SKEW_TOLERANCE_MS ? timestamp : timestamp + skew;
}

/** Why a corrected timestamp is refused, or null when it is inside the window. */
export function timestampOutsideWindow(ms: number, receivedAt: number): string | null {
  const latest = receivedAt + LIMITS.maxFutureMs;
  if (Number.isFinite(ms) && ms >= LIMITS.minTimestampMs && ms <= latest) return null;
  const shown = Number.isFinite(ms) ? String(ms) : 'not a finite number';
  return (
    `timestamp (after clock-skew correction) must be ms since epoch between ` +
    `${new Date(LIMITS.minTimestampMs).toISOString()} and 24 h after the server's clock; got ${shown}` +
    (ms > 0 && ms < 1e11 ? ' (seconds instead of ms?)' : '')
  );
}
