import type { DuckDBConnection } from '@duckdb/node-api';
import { join, raw, sql } from '../../sql/sql.js';
import { ROLLUP_SLOT_MS } from '../engine.js';
import { ENTRY_DIMENSIONS, ENTRY_SOURCE_COLUMNS, selectEntryDimensions } from '../entry-dimensions.js';
import { DERIVED_ROW_COLUMNS, ensureDerivedRollup, markKeysWithSeveralRows } from './derived-rollup.js';
import { duckdbDialect } from './dialect.js';
import { renderDuckDb } from './render.js';

/**
 * The session-entry part of the hourly rollup (session-rollup.ts refreshes it in the same
 * transaction, so it has exactly the session rollup's cover and generations): per (project, hour,
 * session) the first event, by (timestamp, seq), with every entry dimension a breakdown by a
 * session's entry reads (storage/entry-dimensions.ts: countries, devices, sources), computed once
 * here instead of at every query (the UTM tags and the screen class parse JSON and URLs). A
 * session's entry in a range is then the first of its rows in the range's whole covered hours and
 * of its raw events elsewhere: one row per session-hour instead of every event. A session-hour cut
 * by a statement has several rows; the first of them is its first event. Sessions without an id
 * are left out (no query counts them).
 *
 * `single` marks a session's only row, as in session_hours (a refresh that adds another clears the
 * mark in the same transaction): such a row is its session's entry wherever the session has no raw
 * events, with no grouping (most sessions sit in one hour).
 */
export const SESSION_ENTRY_HOURS = 'session_entry_hours';

const COLUMNS = [...DERIVED_ROW_COLUMNS, 'entry_ts', 'entry_seq', ...ENTRY_DIMENSIONS];

const DDL = `CREATE TABLE ${SESSION_ENTRY_HOURS} (
  project_id VARCHAR NOT NULL, hour BIGINT NOT NULL, generation BIGINT NOT NULL, single BOOLEAN NOT NULL,
  session_id VARCHAR NOT NULL, entry_ts BIGINT NOT NULL, entry_seq BIGINT NOT NULL,
  ${ENTRY_DIMENSIONS.map((name) => `${name} VARCHAR NOT NULL`).join(', ')}
)`;

/** Appends the first event of each session-hour of the `events` rows matching `where`, as rows of `generation`. */
export async function insertSessionEntryHours(
  conn: DuckDBConnection,
  where: string,
  generation: number,
): Promise<void> {
  // The entry event's columns first (one pass), the dimensions then over one row per session-hour.
  const first = join(
    ['seq', ...ENTRY_SOURCE_COLUMNS].map((column) =>
      raw(`arg_min(${column}, (timestamp, seq)) AS ${column === 'seq' ? 'entry_seq' : column}`),
    ),
  );
  const firstEvents = sql`SELECT project_id, timestamp - timestamp % ${ROLLUP_SLOT_MS} AS hour, session_id,
      min(timestamp) AS entry_ts, ${first}
    FROM events WHERE ${raw(where)} AND session_id <> ''
    GROUP BY project_id, hour, session_id`;
  const { text, values } = renderDuckDb(
    sql`INSERT INTO ${raw(SESSION_ENTRY_HOURS)} ${selectEntryDimensions(
      duckdbDialect,
      sql`project_id, hour, ${generation}, TRUE, session_id, entry_ts, entry_seq`,
      firstEvents,
    )}`,
  );
  await conn.run(text, values);
}

/** Clears `single` on the rows of sessions that now have several (only sessions `generation` touched). */
export function markSessionEntriesWithSeveralRows(conn: DuckDBConnection, generation: number): Promise<void> {
  return markKeysWithSeveralRows(conn, SESSION_ENTRY_HOURS, ['project_id', 'session_id'], generation);
}

/** Creates or backfills the table at open (storage/duckdb/derived-rollup.ts). */
export function ensureSessionEntryHours(conn: DuckDBConnection): Promise<void> {
  return ensureDerivedRollup(conn, {
    table: SESSION_ENTRY_HOURS,
    columns: COLUMNS,
    ddl: DDL,
    insert: insertSessionEntryHours,
    afterGeneration: markSessionEntriesWithSeveralRows,
  });
}
