/**
 * Results of the web-analytics queries `sources`, `devices` and `retention` (docs/API.md, Queries;
 * docs/SEMANTICS.md defines every number), with the names and limits the dashboard shows. Plain
 * types and constants: browser apps import them through `@sightline/schema/query-results`.
 */

/** One value of a breakdown: its visitors (distinct ids) and sessions. */
export interface BreakdownRow {
  name: string;
  visitors: number;
  sessions: number;
}

/** A referrer's host (lower-case, without `www.`); '' for sessions that arrived without a referrer. */
export interface ReferrerRow {
  domain: string;
  visitors: number;
  sessions: number;
}

/**
 * Where a session came from, decided by its entry event's referrer and UTM tags (query/web/channel.ts
 * holds the rules, docs/SEMANTICS.md states them), in the order the rules are tried.
 */
export const CHANNELS = ['paid', 'email', 'social', 'organic_search', 'referral', 'direct', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * Every breakdown lists its values by visitors, then sessions (most first), then by name, at most
 * `limit` of them (channels: all). Each counted session is in each list once, under its entry
 * event's value.
 */
export interface SourcesResult {
  referrers: ReferrerRow[];
  utm_sources: BreakdownRow[];
  utm_mediums: BreakdownRow[];
  utm_campaigns: BreakdownRow[];
  utm_terms: BreakdownRow[];
  utm_contents: BreakdownRow[];
  /** `name` is a Channel. */
  channels: BreakdownRow[];
}

/**
 * Screen size classes by the entry event's `screen_width` (CSS px; the SDK sends `screen.width`):
 * each class holds widths from its `min_width` up to the next class's. 576 and 992 px are the
 * common CSS grids' phone / tablet and tablet / laptop breakpoints (Bootstrap's sm and lg), so the
 * classes match the layouts sites design for; 1440 px is the widest common laptop screen.
 */
export const SCREEN_CLASSES = [
  { name: 'mobile', min_width: 0 },
  { name: 'tablet', min_width: 576 },
  { name: 'laptop', min_width: 992 },
  { name: 'desktop', min_width: 1440 },
] as const;
export type ScreenClass = (typeof SCREEN_CLASSES)[number]['name'];

/** Breakdowns of sessions by their entry event's client; '' for an unknown value. */
export interface DevicesResult {
  browsers: BreakdownRow[];
  os: BreakdownRow[];
  /** ua-parser-js's device type (`desktop` when it names a browser but no device). */
  device_types: BreakdownRow[];
  /** `name` is a ScreenClass, or '' when the entry event had no numeric screen_width. */
  screens: BreakdownRow[];
}

/** Breakdown values per list unless the caller asks otherwise, and at most: a table's screenful / a full export. */
export const WEB_BREAKDOWN_DEFAULT_LIMIT = 50;
export const WEB_BREAKDOWN_MAX_LIMIT = 1000;

export const RETENTION_PERIODS = ['day', 'week'] as const;
export type RetentionPeriod = (typeof RETENTION_PERIODS)[number];
/** Cohorts (and periods) unless the caller asks otherwise: two months of weeks, or about a week of days. */
export const RETENTION_DEFAULT_PERIODS = 8;
/**
 * Periods at most: a quarter of weeks or a month of days. Retention reads every event of the
 * window, so this bounds its cost (90 days, the longest range any query takes).
 */
export const RETENTION_MAX_PERIODS: Readonly<Record<RetentionPeriod, number>> = { day: 31, week: 12 };

export interface RetentionCohort {
  /** Start of the cohort's period (ms, UTC; weeks start on Monday). */
  start: number;
  /** Distinct ids first seen in the window during this period. */
  size: number;
  /**
   * returning[k]: the cohort's ids with a returning event in period k after the cohort's own
   * (returning[0] = size), for every period that has begun, the current one included.
   */
  returning: number[];
  /** returning[k] / size (0 for an empty cohort). */
  rates: number[];
}

export interface RetentionResult {
  period: RetentionPeriod;
  /** Start of the window: the first cohort's period (ms). */
  from: number;
  /** Oldest cohort first; one per period of the window, empty ones included. */
  cohorts: RetentionCohort[];
  /**
   * average[k]: the returning ids at k over the ids of every cohort that has reached period k
   * (sum of returning[k] / sum of size over those cohorts; 0 when they are empty).
   */
  average: number[];
}
