/**
 * Results of the `countries` and `bots` queries (docs/API.md, Queries; docs/SEMANTICS.md defines
 * every number). Plain types only: browser apps import them through `@sightline/schema/query-results`.
 */

/** One country of the `countries` breakdown. */
export interface CountryRow {
  /** ISO 3166-1 alpha-2 code (upper case), '' for sessions whose country is unknown. */
  code: string;
  /** Distinct non-empty distinct_ids of those sessions. */
  visitors: number;
  sessions: number;
}

/**
 * Counted sessions by their entry event's country (looked up from the sending client's address at
 * ingest), by visitors, then sessions (most first), then code; at most `limit` rows.
 */
export interface CountriesResult {
  countries: CountryRow[];
}

/** Bot events dropped at ingest during one UTC day. */
export interface BotDay {
  /** Start of the UTC day, ms since epoch (the server's clock when the events arrived). */
  day: number;
  dropped: number;
}

/**
 * Events recognised as sent by bots and dropped at ingest (the project's `bots` setting is
 * `drop`), per UTC day of the range that had any, oldest first, and their sum.
 */
export interface BotsResult {
  days: BotDay[];
  total_dropped: number;
}
