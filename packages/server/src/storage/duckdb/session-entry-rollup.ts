import type { DuckDBConnection } from '@duckdb/node-api';
import { ROLLUP_HOUR_MS } from '../engine.js';
import { ensureDerivedRollup } from './derived-rollup.js';

/**
 * The session-entry part of the hourly rollup (session-rollup.ts refreshes it in the same
 * transaction, so it has exactly the session rollup's cover and generations): per (project, hour,
 * session) the first event, by (timestamp, seq), with the columns a breakdown by a session's entry
 * reads (countries). A session's entry in a range is then the first of its rows in the range's
 * whole covered hours and of its raw events elsewhere: one row per session-hour instead of every
 * event. A session-hour cut by a statement has several rows; the first of them is its first event.
 * Sessions without an id are left out (no query counts them).
 */
export const SESSION_ENTRY_HOURS = 'session_entry_hours';

const COLUMNS = [
  'project_id',
  'hour',
  'generation',
  'session_id',
  'entry_ts',
  'entry_seq',
  'distinct_id',
  'country',
];

const DDL = `CREATE TABLE ${SESSION_ENTRY_HOURS} (
  project_id VARCHAR NOT NULL, hour BIGINT NOT NULL, generation BIGINT NOT NULL,
  session_id VARCHAR NOT NULL, entry_ts BIGINT NOT NULL, entry_seq BIGINT NOT NULL,
  distinct_id VARCHAR NOT NULL, country VARCHAR NOT NULL
)`;

/** Appends the first event of each session-hour of the `events` rows matching `where`, as rows of `generation`. */
export async function insertSessionEntryHours(
  conn: DuckDBConnection,
  where: string,
  generation: number,
): Promise<void> {
  const first = (column: string) => `arg_min(${column}, (timestamp, seq))`;
  await conn.run(
    `INSERT INTO ${SESSION_ENTRY_HOURS}
      SELECT project_id, timestamp - timestamp % ${ROLLUP_HOUR_MS} AS hour, ${generation}, session_id,
        min(timestamp), ${first('seq')}, ${first('distinct_id')}, coalesce(${first('country')}, '')
      FROM events WHERE ${where} AND session_id <> ''
      GROUP BY project_id, hour, session_id`,
  );
}

/** Creates or backfills the table at open (storage/duckdb/derived-rollup.ts). */
export function ensureSessionEntryHours(conn: DuckDBConnection): Promise<void> {
  return ensureDerivedRollup(conn, {
    table: SESSION_ENTRY_HOURS,
    columns: COLUMNS,
    ddl: DDL,
    insert: insertSessionEntryHours,
  });
}
