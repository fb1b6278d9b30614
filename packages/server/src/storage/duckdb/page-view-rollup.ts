import type { DuckDBConnection } from '@duckdb/node-api';
import { PERFORMANCE_METRICS } from '@sightline/schema';
import { raw, sql } from '../../sql/sql.js';
import { ROLLUP_SLOT_MS } from '../engine.js';
import { pageViewEventsSql, pageViewIdSql, pageViewMetricsSql } from '../page-view-metrics.js';
import { DERIVED_ROW_COLUMNS, ensureDerivedRollup, markKeysWithSeveralRows } from './derived-rollup.js';
import { duckdbDialect } from './dialect.js';
import { renderDuckDb } from './render.js';

/**
 * The page-view part of the hourly rollup (session-rollup.ts refreshes it in the same transaction,
 * so it has exactly the session rollup's cover and generations): per (project, hour, session, page
 * view, path and the client columns a filter may name) the largest value of each performance metric
 * (storage/page-view-metrics.ts). The performance query reads these rows for whole covered hours
 * instead of parsing every report's JSON; a page view cut by an hour or a statement has several
 * rows, which the query merges with max().
 *
 * `single` marks a page view's only row (project, session, page view, path, device), kept as in
 * session_hours: such a row is its page view's whole answer wherever its session has no raw reports.
 */
export const PAGE_VIEW_HOURS = 'page_view_hours';

/** The key columns, then one DOUBLE per metric (PERFORMANCE_METRICS order). */
const KEY_COLUMNS = [...DERIVED_ROW_COLUMNS, 'page_view', 'path', 'device', 'browser', 'os'];
const COLUMNS = [...KEY_COLUMNS, ...PERFORMANCE_METRICS];

const DDL = `CREATE TABLE ${PAGE_VIEW_HOURS} (
  project_id VARCHAR NOT NULL, hour BIGINT NOT NULL, generation BIGINT NOT NULL, single BOOLEAN NOT NULL,
  session_id VARCHAR NOT NULL, page_view VARCHAR NOT NULL, path VARCHAR NOT NULL,
  device VARCHAR NOT NULL, browser VARCHAR NOT NULL, os VARCHAR NOT NULL,
  ${PERFORMANCE_METRICS.map((metric) => `${metric} DOUBLE`).join(', ')}
)`;

/** Appends the page views of the `events` rows matching `where` as rows of `generation`. */
export async function insertPageViewHours(
  conn: DuckDBConnection,
  where: string,
  generation: number,
): Promise<void> {
  const { text, values } = renderDuckDb(
    sql`INSERT INTO ${raw(PAGE_VIEW_HOURS)}
      SELECT project_id, timestamp - timestamp % ${ROLLUP_SLOT_MS} AS hour, ${generation}, TRUE, session_id,
        ${pageViewIdSql(duckdbDialect)} AS page_view, path, device, browser, os, ${pageViewMetricsSql(duckdbDialect)}
      FROM events WHERE ${raw(where)} AND ${pageViewEventsSql()}
      GROUP BY project_id, hour, session_id, page_view, path, device, browser, os`,
  );
  await conn.run(text, values);
}

/** The key of one page view (performance-views.ts merges its rows by it). */
const PAGE_VIEW_KEY = ['project_id', 'session_id', 'page_view', 'path', 'device'];

/** Clears `single` on the rows of page views that now have several (only sessions `generation` touched). */
export function markPageViewsWithSeveralRows(conn: DuckDBConnection, generation: number): Promise<void> {
  return markKeysWithSeveralRows(conn, PAGE_VIEW_HOURS, PAGE_VIEW_KEY, generation);
}

/** Creates or backfills the table at open (storage/duckdb/derived-rollup.ts). */
export function ensurePageViewHours(conn: DuckDBConnection): Promise<void> {
  return ensureDerivedRollup(conn, {
    table: PAGE_VIEW_HOURS,
    columns: COLUMNS,
    ddl: DDL,
    insert: insertPageViewHours,
    afterGeneration: markPageViewsWithSeveralRows,
  });
}
