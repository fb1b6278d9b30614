/**
 * The closed set of error codes the HTTP API answers with, as `{ error: code, message }`.
 * docs/API.md documents each one; add a code there when you add it here.
 */
export const ERROR_CODES = {
  empty_body: 400,
  invalid_json: 400,
  invalid_utf8: 400,
  invalid_gzip: 400,
  invalid_batch: 400,
  invalid_arguments: 400,
  /** The body nests too deep or holds too many values outside its events. */
  too_complex: 400,
  all_events_invalid: 400,
  missing_api_key: 401,
  invalid_api_key: 401,
  missing_secret_key: 401,
  invalid_secret_key: 401,
  /** A read-only share key (or a share link's sign-in) tried to change something. */
  read_only_key: 403,
  /**
   * A request authenticated by the sign-in cookie that another site could have made: not a GET
   * and without the X-Sightline-Request header, or a live connection from another origin.
   */
  cross_site_request: 403,
  not_found: 404,
  method_not_allowed: 405,
  body_too_large: 413,
  event_too_large: 413,
  too_many_events: 413,
  unsupported_content_type: 415,
  /** A fair-use limit was reached (connections, subscriptions, concurrent exports): retry later. */
  rate_limited: 429,
  /** A query ran past its time budget and was cancelled. */
  query_timeout: 503,
  shutting_down: 503,
  overloaded: 503,
  /**
   * A read waited its bound for the events acknowledged before it started to be loaded into
   * storage (read-your-acknowledgements): retry shortly.
   */
  loading_behind: 503,
  storage_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Body of every error response. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
}

/**
 * Why one event of a batch was refused (the rest of the batch is still stored):
 * - `invalid_event`: not a valid event (a field missing, of the wrong type or too long);
 * - `event_too_large`: over the per-event byte limit;
 * - `invalid_timestamp`: a timestamp (after clock-skew correction) outside the accepted window;
 * - `invalid_value`: a number that is not finite, a property key that cannot be stored
 *   (`__proto__`), or a string with a lone surrogate;
 * - `too_complex`: properties nested too deep or with too many keys;
 * - `storage_rejected`: the storage engine refused this event's row (the others were stored).
 */
export type RejectedEventCode =
  | 'invalid_event'
  | 'event_too_large'
  | 'invalid_timestamp'
  | 'invalid_value'
  | 'too_complex'
  | 'storage_rejected';

/** A per-event refusal inside an otherwise accepted batch. */
export interface RejectedEvent {
  index: number;
  code: RejectedEventCode;
  error: string;
}

/** Answer to `POST /v1/events` (HTTP 200). */
export interface CaptureResponse {
  /** Valid events, durably stored (including ones already stored by an earlier attempt). */
  accepted: number;
  /** Of the accepted, how many were already stored (a retried batch). */
  duplicates: number;
  rejected: RejectedEvent[];
}
