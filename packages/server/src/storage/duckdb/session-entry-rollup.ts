import type { DuckDBConnection } from '@duckdb/node-api';
import { ROLLUP_HOUR_MS } from '../engine.js';

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

/**
 * Creates session_entry_hours when it is missing or of another layout, filled up to the session
 * rollup's current cover (as its last generation) in one transaction, so a file rolled up before
 * this table existed needs no rebuild of session_hours. Runs at open, before any refresh.
 */
export async function ensureSessionEntryHours(conn: DuckDBConnection): Promise<void> {
  const reader = await conn.runAndReadAll(
    `SELECT column_name FROM information_schema.columns WHERE table_name = '${SESSION_ENTRY_HOURS}' ORDER BY ordinal_position`,
  );
  const columns = reader.getRows().map((row) => String(row[0]));
  if (columns.join() === COLUMNS.join()) return;
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`DROP TABLE IF EXISTS ${SESSION_ENTRY_HOURS}`);
    await conn.run(DDL);
    const state = await conn.runAndReadAll(
      'SELECT generation, covered_seq, covered_hour FROM session_rollup_state',
    );
    const [generation, seq, hour] = (state.getRows()[0] ?? []).map(Number);
    if (generation && seq !== undefined && hour !== undefined && hour >= 0) {
      await insertSessionEntryHours(
        conn,
        `seq <= ${seq} AND timestamp >= 0 AND timestamp < ${hour + ROLLUP_HOUR_MS}`,
        generation,
      );
    }
    await conn.run('COMMIT');
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
