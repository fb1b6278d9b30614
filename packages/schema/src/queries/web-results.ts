/**
 * Results of the web-analytics queries `web_overview` and `pages` (docs/SEMANTICS.md, Web
 * analytics): declared once here, returned by the server's query/web/ modules and read by the
 * dashboard. Plain types and constants only, so a browser bundle pulls in no zod.
 */

/** The headline figures of one period. */
export interface WebOverviewFigures {
  /** Distinct non-empty distinct_ids of the matching events. */
  visitors: number;
  /** Distinct non-empty session_ids of the matching events. */
  sessions: number;
  /** Matching `page_view` events. */
  pageviews: number;
  /** pageviews / sessions; 0 without sessions. */
  views_per_session: number;
  /**
   * Of the counted sessions with at least one page view in the period, the fraction with exactly
   * one (all their page views counted, matching or not); 0 when there is none.
   */
  bounce_rate: number;
  /** Mean over the counted sessions of last − first event time within the period, ms; 0 without sessions. */
  avg_session_duration_ms: number;
}

export const WEB_OVERVIEW_FIGURES = [
  'visitors',
  'sessions',
  'pageviews',
  'views_per_session',
  'bounce_rate',
  'avg_session_duration_ms',
] as const satisfies ReadonlyArray<keyof WebOverviewFigures>;

/** Each figure's relative change, current / previous − 1; null when the previous value is 0. */
export type WebOverviewChange = { [K in keyof WebOverviewFigures]: number | null };

/** One point of a sparkline: [t, t + bucket_ms). */
export interface WebSeriesPoint {
  /** Start of the point's bucket, ms since epoch. */
  t: number;
  /** Distinct visitors of the matching events in the point. */
  visitors: number;
  /** Counted sessions whose first event in the period is in the point (the points add up to `sessions`). */
  sessions: number;
  /** Matching page views in the point. */
  pageviews: number;
}

export interface WebOverviewSeries {
  /** Width of every point, ms (a whole number of minutes, hours or days; at most 48 points a period). */
  bucket_ms: number;
  /** Points of the range, oldest first; buckets without events are zeros. */
  current: WebSeriesPoint[];
  /** Points of the previous period, oldest first: `previous[i]` is the period's i-th bucket. */
  previous: WebSeriesPoint[];
}

export interface WebOverviewResult extends WebOverviewFigures {
  /** The range's start and end (ms) and the previous period's: [from − (to − from), from). */
  range: { from: number; to: number };
  previous_range: { from: number; to: number };
  previous: WebOverviewFigures;
  change: WebOverviewChange;
  series: WebOverviewSeries;
}

/** What `pages` sorts by (descending, then path): `entries` / `exits` are the entry and exit pages. */
export const PAGE_SORTS = ['views', 'visitors', 'entries', 'exits'] as const;
export type PageSort = (typeof PAGE_SORTS)[number];

export interface PageRow {
  path: string;
  /** Matching page views of the path. */
  views: number;
  /** Distinct non-empty distinct_ids of those views. */
  visitors: number;
  /** Counted sessions whose first page view in the range is on the path. */
  entries: number;
  /** Counted sessions whose last page view in the range is on the path. */
  exits: number;
  /** Of the entries, the fraction whose session had exactly one page view; 0 without entries. */
  bounce_rate: number;
  /**
   * Mean time from a matching view of the path to the session's next page view (the last one: to
   * the session's last event in the range), ms; null when no view of it belongs to a session.
   */
  avg_time_on_page_ms: number | null;
}

export interface PagesResult {
  pages: PageRow[];
}
