import type { DuckDBConnection } from '@duckdb/node-api';
import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import {
  FLOW_MODES,
  flowPiecePairsSql,
  flowPiecesSql,
  flowSequenceSql,
  flowStepsSql,
} from '../flow-pieces.js';
import { DERIVED_ROW_COLUMNS, ensureDerivedRollup, markKeysWithSeveralRows } from './derived-rollup.js';
import { duckdbDialect } from './dialect.js';
import { renderDuckDb } from './render.js';

/**
 * The user-flow part of the hourly rollup (session-rollup.ts refreshes it in the same transaction,
 * so it has exactly the session rollup's cover and generations), in three tables:
 * - `flow_hours`: per (project, slot, session, mode) piece (storage/flow-pieces.ts) its first
 *   labels (`path`), `last_label` and its consecutive pairs as parallel lists; `single` marks a
 *   session's only piece of that mode, as in session_hours.
 * - `flow_pair_hours`: per (project, slot, mode) the pairs of every piece written, summed: what a
 *   query adds up for whole covered slots instead of unnesting every piece.
 * - `flow_path_hours`: per (project, slot, mode) and path length k ≤ FLOW_PATH_SUM_LENGTHS, every
 *   piece's first k labels, counted.
 * The sums only ever gain rows (tagged with the generation, like every rollup row), so a query
 * reading generations ≤ G sees the sums of exactly the pieces it sees. A query corrects them for the
 * sessions whose pieces do not simply follow one another (query/user-flow-rollup.ts).
 */
export const FLOW_HOURS = 'flow_hours';
export const FLOW_PAIR_HOURS = 'flow_pair_hours';
export const FLOW_PATH_HOURS = 'flow_path_hours';

/** Path lengths summed per slot (longer paths are grouped from the pieces at query time). */
export const FLOW_PATH_SUM_LENGTHS = 5;

const COLUMNS = [...DERIVED_ROW_COLUMNS, 'mode', 'path', 'last_label', 'pair_from', 'pair_to', 'pair_n'];

const DDL = `CREATE TABLE ${FLOW_HOURS} (
  project_id VARCHAR NOT NULL, hour BIGINT NOT NULL, generation BIGINT NOT NULL, single BOOLEAN NOT NULL,
  session_id VARCHAR NOT NULL, mode VARCHAR NOT NULL, path VARCHAR[] NOT NULL, last_label VARCHAR NOT NULL,
  pair_from VARCHAR[] NOT NULL, pair_to VARCHAR[] NOT NULL, pair_n BIGINT[] NOT NULL
)`;

const SUM_TABLES = [
  {
    table: FLOW_PAIR_HOURS,
    ddl: `CREATE TABLE ${FLOW_PAIR_HOURS} (
      project_id VARCHAR NOT NULL, hour BIGINT NOT NULL, generation BIGINT NOT NULL, mode VARCHAR NOT NULL,
      a VARCHAR NOT NULL, b VARCHAR NOT NULL, n BIGINT NOT NULL)`,
  },
  {
    table: FLOW_PATH_HOURS,
    ddl: `CREATE TABLE ${FLOW_PATH_HOURS} (
      project_id VARCHAR NOT NULL, hour BIGINT NOT NULL, generation BIGINT NOT NULL, mode VARCHAR NOT NULL,
      k INTEGER NOT NULL, path VARCHAR[] NOT NULL, n BIGINT NOT NULL)`,
  },
];

const KEYS = ['project_id', 'session_id'];

/** Appends the pieces of the `events` rows matching `where`, and their sums, as rows of `generation`. */
export async function insertFlowHours(
  conn: DuckDBConnection,
  where: string,
  generation: number,
): Promise<void> {
  const sequences = FLOW_MODES.map(
    (mode) =>
      sql`SELECT ${mode} AS mode, * FROM (${flowSequenceSql(duckdbDialect, flowStepsSql(mode, raw(where), ['project_id']), KEYS)}) AS s`,
  );
  const run = async (fragment: SqlFragment) => {
    const { text, values } = renderDuckDb(fragment);
    await conn.run(text, values);
  };
  // The numbered steps once; pieces, their pairs and the sums all read them.
  await run(sql`CREATE OR REPLACE TEMP TABLE flow_sequence AS ${join(sequences, ' UNION ALL ')}`);
  const keys = [...KEYS, 'mode'];
  await run(
    sql`CREATE OR REPLACE TEMP TABLE flow_piece_pairs AS ${flowPiecePairsSql(raw('SELECT * FROM flow_sequence'), keys)}`,
  );
  // Parallel lists from one GROUP BY: each row's pair is at the same position in all three.
  await run(
    sql`CREATE OR REPLACE TEMP TABLE flow_new_pieces AS
      SELECT p.project_id, p.hour, p.session_id, p.mode, p.path, p.last_label,
        coalesce(q.pair_from, []) AS pair_from, coalesce(q.pair_to, []) AS pair_to, coalesce(q.pair_n, []) AS pair_n
      FROM (${flowPiecesSql(duckdbDialect, raw('SELECT * FROM flow_sequence'), keys)}) AS p
      LEFT JOIN (SELECT project_id, session_id, mode, hour, list(a) AS pair_from, list(b) AS pair_to, list(n) AS pair_n
                 FROM flow_piece_pairs GROUP BY project_id, session_id, mode, hour) AS q
        ON p.project_id = q.project_id AND p.session_id = q.session_id AND p.mode = q.mode AND p.hour = q.hour`,
  );
  await run(
    sql`INSERT INTO ${raw(FLOW_HOURS)}
      SELECT project_id, hour, ${generation}, TRUE, session_id, mode, path, last_label, pair_from, pair_to, pair_n
      FROM flow_new_pieces`,
  );
  await run(
    sql`INSERT INTO ${raw(FLOW_PAIR_HOURS)}
      SELECT project_id, hour, ${generation}, mode, a, b, sum(n) FROM flow_piece_pairs
      GROUP BY project_id, hour, mode, a, b`,
  );
  await run(
    sql`INSERT INTO ${raw(FLOW_PATH_HOURS)}
      SELECT project_id, hour, ${generation}, mode, k, list_slice(path, 1, k) AS head, count(*)
      FROM flow_new_pieces, range(1, ${FLOW_PATH_SUM_LENGTHS + 1}) AS ks(k)
      GROUP BY project_id, hour, mode, k, head`,
  );
  for (const table of ['flow_sequence', 'flow_piece_pairs', 'flow_new_pieces'])
    await conn.run(`DROP TABLE ${table}`);
}
/** Clears `single` on the pieces of sessions that now have several of a mode (only sessions `generation` touched). */
export function markFlowsWithSeveralRows(conn: DuckDBConnection, generation: number): Promise<void> {
  return markKeysWithSeveralRows(conn, FLOW_HOURS, ['project_id', 'session_id', 'mode'], generation);
}

/** Creates or backfills the tables at open (storage/duckdb/derived-rollup.ts). */
export function ensureFlowHours(conn: DuckDBConnection): Promise<void> {
  return ensureDerivedRollup(conn, {
    table: FLOW_HOURS,
    columns: COLUMNS,
    ddl: DDL,
    companions: SUM_TABLES,
    insert: insertFlowHours,
    afterGeneration: markFlowsWithSeveralRows,
  });
}
