import { USER_FLOW_MAX_PATH_LENGTH } from '@sightline/schema';
import type { SqlDialect } from '../sql/dialect.js';
import { raw, type SqlFragment, sql } from '../sql/sql.js';
import { ROLLUP_SLOT_MS } from './engine.js';

/**
 * What a step of the user flow is (docs/SEMANTICS.md, User flow), for the query over events and
 * the DuckDB flow rollup (duckdb/flow-rollup.ts) alike, and how a session's steps within one
 * rollup slot (a *piece*; ROLLUP_SLOT_MS) are summarised: its first USER_FLOW_MAX_PATH_LENGTH
 * labels, its last label and its consecutive pairs. Pieces of one session in different slots never
 * interleave (a slot's timestamps all precede the next one's), so a session's flow is its pieces' pairs plus, between
 * consecutive pieces, the pair (last label, next piece's first label), and its path is its pieces'
 * labels one after the other.
 */
export type FlowMode = 'events' | 'pages';
export const FLOW_MODES: readonly FlowMode[] = ['events', 'pages'];

/** Labels kept per piece: enough for the longest path a query may ask for. */
export const FLOW_PATH_KEPT = USER_FLOW_MAX_PATH_LENGTH;

/**
 * The steps of `mode` among the events rows matching `where`, ordered within a session by
 * (timestamp, seq): `label` is the event name ("events") or a page view's path ("pages"), and
 * `hour` the start of the step's slot. Sessions without an id have no flow.
 */
export function flowStepsSql(
  mode: FlowMode,
  where: SqlFragment,
  columns: readonly string[] = [],
): SqlFragment {
  const label = mode === 'pages' ? raw('path') : raw('event');
  const onlyPages = mode === 'pages' ? sql` AND event = ${'page_view'}` : raw('');
  const more = raw(columns.map((c) => `${c}, `).join(''));
  return sql`SELECT ${more}session_id, timestamp, seq, ${label} AS label,
      timestamp - timestamp % ${ROLLUP_SLOT_MS} AS hour
    FROM events WHERE ${where} AND session_id <> ''${onlyPages}`;
}

/**
 * The steps of `steps` (flowStepsSql's columns) numbered within their piece: `keys` (the columns
 * naming a session, e.g. project_id, session_id), hour, label, seq_pos and next_label (NULL on a
 * piece's last step). flowPiecesSql and flowPiecePairsSql read this relation.
 */
export function flowSequenceSql(
  dialect: SqlDialect,
  steps: SqlFragment,
  keys: readonly string[],
): SqlFragment {
  return dialect.inSequence(steps, [...keys, 'hour'].join(', '), ['timestamp', 'seq'], ['label'], ['label']);
}

/**
 * One row per piece of `sequence` (flowSequenceSql): `keys`, hour, path (its first `kept` labels,
 * in order) and last_label.
 */
export function flowPiecesSql(
  dialect: SqlDialect,
  sequence: SqlFragment,
  keys: readonly string[],
  kept = FLOW_PATH_KEPT,
): SqlFragment {
  const group = raw([...keys, 'hour'].join(', '));
  return sql`SELECT ${group}, ${dialect.firstByN(raw('label'), raw('seq_pos'), kept)} AS path,
      ${dialect.argMax(raw('label'), [raw('seq_pos')])} AS last_label
    FROM (${sequence}) AS q GROUP BY ${group}`;
}

/** Per piece of `sequence` (flowSequenceSql), each distinct consecutive pair (a, b) within it and how often it occurs (n). */
export function flowPiecePairsSql(sequence: SqlFragment, keys: readonly string[]): SqlFragment {
  const group = raw([...keys, 'hour'].join(', '));
  return sql`SELECT ${group}, label AS a, next_label AS b, count(*) AS n
    FROM (${sequence}) AS q WHERE next_label IS NOT NULL
    GROUP BY ${group}, label, next_label`;
}
