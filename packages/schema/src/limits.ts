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
} as const;
