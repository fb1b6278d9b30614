import {
  type VitalSummary,
  WEB_VITAL_THRESHOLDS,
  WEB_VITALS,
  type WebVitalName,
  type WebVitalsSummary,
  webVitalRating,
} from '@sightline/schema';
import type { SqlDialect } from '../sql/dialect.js';
import { raw, type SqlFragment, sql } from '../sql/sql.js';
import type { QueryRow } from '../storage/engine.js';

/**
 * Aggregates that summarise each web vital over a group of page-view rows (performance-views.ts):
 * the page views reporting it, its nearest-rank p75 and how many fall in the good and poor
 * buckets of WEB_VITAL_THRESHOLDS (the rest need improvement). Column names are `<vital>_n`,
 * `<vital>_p75`, `<vital>_good`, `<vital>_poor`.
 */
export function vitalAggregates(
  dialect: SqlDialect,
  options: { p75: boolean } = { p75: true },
): SqlFragment[] {
  return WEB_VITALS.flatMap((vital) => {
    const value = raw(vital);
    const { good, poor } = WEB_VITAL_THRESHOLDS[vital];
    return [
      sql`count(${value}) AS ${raw(`${vital}_n`)}`,
      ...(options.p75 ? [sql`${dialect.quantile(value, 0.75)} AS ${raw(`${vital}_p75`)}`] : []),
      sql`sum(CASE WHEN ${value} <= ${good} THEN 1 ELSE 0 END) AS ${raw(`${vital}_good`)}`,
      sql`sum(CASE WHEN ${value} > ${poor} THEN 1 ELSE 0 END) AS ${raw(`${vital}_poor`)}`,
    ];
  });
}

/** The names of vitalAggregates' columns, in its order. */
export function vitalColumns(options: { p75: boolean } = { p75: true }): string[] {
  return WEB_VITALS.flatMap((vital) => [
    `${vital}_n`,
    ...(options.p75 ? [`${vital}_p75`] : []),
    `${vital}_good`,
    `${vital}_poor`,
  ]);
}

const numberOrNull = (v: QueryRow[string] | undefined) => (v === null || v === undefined ? null : Number(v));

function vitalSummary(row: QueryRow, vital: WebVitalName): VitalSummary {
  const samples = Number(row[`${vital}_n`] ?? 0);
  const p75 = samples > 0 ? numberOrNull(row[`${vital}_p75`]) : null;
  const good = Number(row[`${vital}_good`] ?? 0);
  const poor = Number(row[`${vital}_poor`] ?? 0);
  const share = (count: number) => (samples > 0 ? count / samples : 0);
  return {
    samples,
    p75,
    rating: p75 === null ? null : webVitalRating(vital, p75),
    shares: { good: share(good), needs_improvement: share(samples - good - poor), poor: share(poor) },
  };
}

/** Every web vital's summary from one row of vitalAggregates. */
export function toVitalsSummary(row: QueryRow): WebVitalsSummary {
  return Object.fromEntries(WEB_VITALS.map((vital) => [vital, vitalSummary(row, vital)])) as WebVitalsSummary;
}
