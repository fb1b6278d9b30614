/** Hard limits of the capture API. Clients and server share them so SDKs can avoid sending what would be refused. */
export const LIMITS = {
  /** A request body, before and after decompression. */
  maxRequestBytes: 20 * 1024 * 1024,
  /** One event, measured as the UTF-8 size of its JSON. */
  maxEventBytes: 1024 * 1024,
  /** Events in one batch. */
  maxBatchEvents: 10_000,
  /** Event names, ids (uuid, distinct_id, session_id). */
  maxEventNameLength: 200,
  maxIdLength: 200,
  /** Nesting of `properties`; deeper objects are refused rather than risking stack overflows downstream. */
  maxPropertyDepth: 64,
  /**
   * Values in one event (properties, array items and object members, counted while the body is
   * scanned, before it is parsed): bounds the CPU one event can cost. 20,000 is far above what any
   * client sends (posthog-js events carry ~100) and parses in about a millisecond.
   */
  maxEventNodes: 20_000,
  /**
   * The window an event's timestamp must fall in after clock-skew correction: from 2000-01-01
   * (earlier is a broken clock or seconds mistaken for ms) to one day after the server's clock.
   * Both engines store ms as int64; without a window one absurd value failed whole commits.
   */
  minTimestampMs: Date.UTC(2000, 0, 1),
  maxFutureMs: 24 * 3_600_000,
  /** A client's `sent_at` outside [minTimestampMs, maxClientClockMs] is ignored (no skew correction). */
  maxClientClockMs: Date.UTC(2100, 0, 1),
} as const;
