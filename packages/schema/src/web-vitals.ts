/**
 * Google's web vitals and the thresholds that rate them (web.dev, "Core Web Vitals"; the same
 * numbers Google's `web-vitals` package rates with). This is the one table: the performance query
 * counts its buckets with it and the dashboard colours with it. Plain constants only (browser-safe).
 */

/** The web vitals, in display order. */
export const WEB_VITALS = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'] as const;
export type WebVitalName = (typeof WEB_VITALS)[number];

/**
 * Vitals of the page load itself (the document's navigation): a single-page app's route change
 * starts a new page view without them. INP and CLS belong to every page view, routes included.
 */
export const LOAD_VITALS = ['lcp', 'fcp', 'ttfb'] as const satisfies readonly WebVitalName[];

/** Ratings, best first (web-vitals' "needs-improvement" spelt as an identifier). */
export const WEB_VITAL_RATINGS = ['good', 'needs_improvement', 'poor'] as const;
export type WebVitalRating = (typeof WEB_VITAL_RATINGS)[number];

export interface WebVitalThreshold {
  /** Largest value still rated good. */
  good: number;
  /** Largest value still rated "needs improvement"; above it a value is poor. */
  poor: number;
  /** `ms` for times; CLS is a unitless layout-shift score. */
  unit: 'ms' | 'score';
}

/** Google's limits: good ≤ `good` < needs improvement ≤ `poor` < poor. A page is judged on its p75. */
export const WEB_VITAL_THRESHOLDS: Readonly<Record<WebVitalName, Readonly<WebVitalThreshold>>> =
  Object.freeze({
    lcp: Object.freeze({ good: 2500, poor: 4000, unit: 'ms' as const }),
    inp: Object.freeze({ good: 200, poor: 500, unit: 'ms' as const }),
    cls: Object.freeze({ good: 0.1, poor: 0.25, unit: 'score' as const }),
    fcp: Object.freeze({ good: 1800, poor: 3000, unit: 'ms' as const }),
    ttfb: Object.freeze({ good: 800, poor: 1800, unit: 'ms' as const }),
  });

/** The rating of one value (or of a p75) of `vital`. */
export function webVitalRating(vital: WebVitalName, value: number): WebVitalRating {
  const { good, poor } = WEB_VITAL_THRESHOLDS[vital];
  return value > poor ? 'poor' : value > good ? 'needs_improvement' : 'good';
}
