import type { DuckDBConnection } from '@duckdb/node-api';
import { ROLLUP_SLOT_MS } from '../engine.js';
import { inTransaction } from './transaction.js';

/** The first columns of every derived rollup table: whose row, which slot, which refresh, and whether it is its key's only row. */
export const DERIVED_ROW_COLUMNS = ['project_id', 'hour', 'generation', 'single', 'session_id'] as const;

/** A table rolled up beside session_hours, under the same cover and generations. */
export interface DerivedRollup {
  table: string;
  columns: readonly string[];
  ddl: string;
  /** Tables the insert also writes (sums of its rows): dropped and created with it. */
  companions?: ReadonlyArray<{ table: string; ddl: string }>;
  /** Inserts the rows of the events matching `where`, tagged with `generation`. */
  insert(conn: DuckDBConnection, where: string, generation: number): Promise<void>;
  /** Runs once after the inserts of a generation (the backfill's included). */
  afterGeneration?(conn: DuckDBConnection, generation: number): Promise<void>;
}

/**
 * Clears `single` on the rows of `table` whose `key` (with session_id) now has several rows,
 * looking only at the sessions `generation` wrote: run in the refresh's transaction after its inserts, so
 * in any snapshot a row marked single is the only one of its key (a query can take it as the
 * key's whole answer without grouping; rows stay correct to group either way).
 */
export async function markKeysWithSeveralRows(
  conn: DuckDBConnection,
  table: string,
  key: readonly string[],
  generation: number,
): Promise<void> {
  const columns = key.join(', ');
  await conn.run(`UPDATE ${table} SET single = FALSE
    FROM (SELECT ${columns} FROM ${table}
          WHERE session_id IN (SELECT session_id FROM ${table} WHERE generation = ${generation})
          GROUP BY ${columns} HAVING count(*) > 1) AS several
    WHERE ${table}.single AND ${key.map((c) => `${table}.${c} = several.${c}`).join(' AND ')}`);
}

/**
 * Creates the table when it is missing or of another layout, filled up to the session rollup's
 * current cover (as its last generation) in one transaction, so a file rolled up before the table
 * existed needs no rebuild of session_hours. Runs at open, before any refresh.
 */
export async function ensureDerivedRollup(conn: DuckDBConnection, rollup: DerivedRollup): Promise<void> {
  const reader = await conn.runAndReadAll(
    `SELECT column_name FROM information_schema.columns WHERE table_name = '${rollup.table}' ORDER BY ordinal_position`,
  );
  const columns = reader.getRows().map((row) => String(row[0]));
  if (columns.join() === rollup.columns.join()) return;
  await inTransaction(conn, async () => {
    for (const { table, ddl } of [rollup, ...(rollup.companions ?? [])]) {
      await conn.run(`DROP TABLE IF EXISTS ${table}`);
      await conn.run(ddl);
    }
    const state = await conn.runAndReadAll(
      'SELECT generation, covered_seq, covered_hour FROM session_rollup_state',
    );
    const [generation, seq, hour] = (state.getRows()[0] ?? []).map(Number);
    if (generation && seq !== undefined && hour !== undefined && hour >= 0) {
      // An hour per statement: rows are per hour, so nothing is cut, and a statement holds one
      // hour's events in memory rather than the whole file's.
      const covered = `seq <= ${seq} AND timestamp >= 0 AND timestamp < ${hour + ROLLUP_SLOT_MS}`;
      const hours = await conn.runAndReadAll(
        `SELECT DISTINCT timestamp - timestamp % ${ROLLUP_SLOT_MS} AS h FROM events WHERE ${covered} ORDER BY h`,
      );
      for (const [start] of hours.getRows()) {
        const inHour = `timestamp >= ${Number(start)} AND timestamp < ${Number(start) + ROLLUP_SLOT_MS}`;
        await rollup.insert(conn, `${covered} AND ${inHour}`, generation);
      }
      await rollup.afterGeneration?.(conn, generation);
    }
  });
}
