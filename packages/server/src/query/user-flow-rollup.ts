import type { SqlDialect } from '../sql/dialect.js';
import { join, raw, type SqlFragment, sql } from '../sql/sql.js';
import type { FlowRollup } from '../storage/engine.js';
import { type FlowMode, flowPiecesSql, flowSequenceSql, flowStepsSql } from '../storage/flow-pieces.js';
import type { RangeSplit } from './session-rollup.js';

/**
 * user_flow from the flow rollup (storage/duckdb/flow-rollup.ts): the same counts as the query over
 * events, from one row per slot and pair instead of one window over every event.
 *
 * A session's steps in the range fall into pieces, one per rollup slot (storage/flow-pieces.ts):
 * the rollup's rows for the range's whole covered slots and pieces built from the raw remainder.
 * Pieces of different slots follow one another, so the session's pairs are its pieces' pairs plus
 * one pair between consecutive pieces, and its path is its pieces' labels in slot order. The
 * rollup's per-slot sums already hold every rolled-up piece's own pairs and first labels; they are
 * corrected for the sessions that have more than one piece or a raw one (few: sessions crossing a
 * slot or the range's edges). A session with two pieces in one slot (events that arrived after
 * its slot was rolled up, or a slot rolled up in two statements) cannot be stitched: its rolled-up
 * pieces are taken out and its steps are read from events.
 */
export interface FlowRollupArgs {
  mode: FlowMode;
  pathLength: number;
  /** The sessions meeting the filters (a relation of session_id, repeats allowed), or null. */
  matching: SqlFragment | null;
  /** The project's events in the whole range (for sessions read from events). */
  rangeWhere: SqlFragment;
}

/**
 * One statement (its parts shared, not computed twice) whose rows are either a pair — kind 0, (a,
 * b, n): each distinct pair and how often it occurs — or a path — kind 1, (len, v1 … v<pathLength>,
 * n): each distinct path and its sessions.
 */
export function flowFromRollup(
  dialect: SqlDialect,
  flows: FlowRollup,
  split: RangeSplit,
  args: FlowRollupArgs,
): SqlFragment {
  const { mode } = args;
  const length = Math.trunc(args.pathLength);
  // The filters' sessions once per statement (a semi-join on events), read by every part.
  const matching = args.matching ? raw('session_id IN (SELECT session_id FROM flow_matching)') : null;
  const only = matching ? sql` AND ${matching}` : raw('');
  const rolled = (columns: SqlFragment, condition?: SqlFragment) =>
    sql`SELECT ${columns} FROM ${flows.pieces}
      WHERE ${split.rollup} AND mode = ${mode}${only}${condition ? sql` AND ${condition}` : raw('')}`;
  // The raw remainder's steps, numbered within their pieces (sequenced once per statement).
  const rawSteps = join(
    split.raw.map((part) => flowStepsSql(mode, matching ? sql`${part} AND ${matching}` : part)),
    ' UNION ALL ',
  );
  // A raw piece needs only its first `length` labels and its last one.
  const rawPieces = flowPiecesSql(
    dialect,
    raw(`SELECT * FROM flow_sequence WHERE seq_pos <= ${length} OR next_label IS NULL`),
    ['session_id'],
    length,
  );
  const head = dialect.listHead(raw('path'), length);
  const inCorrected = raw('session_id IN (SELECT session_id FROM flow_corrected)');
  // Named once, each read several times: DuckDB materialises a common table expression read more
  // than once, so the raw remainder is sequenced once per statement.
  const common = sql`WITH ${args.matching ? sql`flow_matching AS (SELECT session_id FROM (${args.matching}) AS m GROUP BY session_id),` : raw('')}
    flow_sequence AS (${flowSequenceSql(dialect, rawSteps, ['session_id'])}),
    flow_raw AS (SELECT session_id, hour, path, last_label FROM (${rawPieces}) AS p),
    flow_corrected AS (${rolled(raw('session_id'), raw('NOT single'))} UNION SELECT session_id FROM flow_raw),
    flow_theirs AS (${rolled(sql`session_id, hour, ${head} AS path, last_label, 0 AS from_events`, inCorrected)}
      UNION ALL SELECT session_id, hour, path, last_label, 1 AS from_events FROM flow_raw),
    flow_conflicts AS (SELECT session_id FROM flow_theirs GROUP BY session_id
      HAVING count(*) > ${dialect.countDistinct(raw('hour'))}),
    flow_stitched AS (SELECT * FROM flow_theirs WHERE session_id NOT IN (SELECT session_id FROM flow_conflicts))`;
  const parts: Parts = {
    rolled,
    conflicts: raw('SELECT session_id FROM flow_conflicts'),
    stitched: raw('SELECT * FROM flow_stitched'),
    fromEvents: flowStepsSql(
      mode,
      sql`${args.rangeWhere} AND session_id IN (SELECT session_id FROM flow_conflicts)`,
    ),
  };
  const values = Array.from({ length }, (_, i) => `v${i + 1}`);
  return sql`${common}
    SELECT 0 AS kind, a, b, NULL AS len, ${raw(values.map((v) => `NULL AS ${v}`).join(', '))}, n
      FROM (${pairsRelation(dialect, flows, split, args, parts)}) AS pairs
    UNION ALL SELECT 1 AS kind, NULL AS a, NULL AS b, len, ${raw(values.join(', '))}, n
      FROM (${pathsRelation(dialect, flows, split, args, parts)}) AS paths`;
}

/** (a, b, n) of every pair in the lists of `pieces` (a relation with pair_from, pair_to, pair_n), times `sign`. */
function unnestPairs(dialect: SqlDialect, pieces: SqlFragment, sign: 1 | -1): SqlFragment {
  const at = (list: string) => dialect.listElement(raw(list), raw('i'));
  return sql`SELECT ${at('pair_from')} AS a, ${at('pair_to')} AS b, ${raw(sign === 1 ? '' : '-')}${at('pair_n')} AS n
    FROM (SELECT pair_from, pair_to, pair_n, ${dialect.listPositions(raw('pair_from'))} AS i FROM (${pieces}) AS p) AS u`;
}

/** The statement's named parts, as relations. */
interface Parts {
  /** The range's rolled-up pieces (of sessions meeting the filters): these columns, where `condition`. */
  rolled: (columns: SqlFragment, condition?: SqlFragment) => SqlFragment;
  /** Of the sessions to correct, those with two pieces in one hour: read from events. */
  conflicts: SqlFragment;
  /** The pieces (session_id, hour, path cut to the path length, last_label, from_events) of the others, to be joined in hour order. */
  stitched: SqlFragment;
  /** The conflicts' steps in the range, from events. */
  fromEvents: SqlFragment;
}

function pairsRelation(
  dialect: SqlDialect,
  flows: FlowRollup,
  split: RangeSplit,
  args: FlowRollupArgs,
  parts: Parts,
): SqlFragment {
  const lists = raw('pair_from, pair_to, pair_n');
  // Every rolled-up piece's own pairs: the hourly sums, or (filtered sessions) the pieces' lists.
  const base = args.matching
    ? unnestPairs(dialect, parts.rolled(lists), 1)
    : sql`SELECT a, b, n FROM ${flows.pairSums} WHERE ${split.rollup} AND mode = ${args.mode}`;
  const notConflict = raw('session_id NOT IN (SELECT session_id FROM flow_conflicts)');
  const signed = [
    base,
    // Conflicts: their rolled-up pieces out, their steps from events in.
    unnestPairs(
      dialect,
      parts.rolled(lists, raw('session_id IN (SELECT session_id FROM flow_conflicts)')),
      -1,
    ),
    sql`SELECT a, b, 1 AS n FROM (${dialect.consecutivePairs(parts.fromEvents, 'session_id', ['timestamp', 'seq'], 'label')}) AS e`,
    // The others: their raw pieces' own pairs, and one pair between consecutive pieces.
    sql`SELECT label AS a, next_label AS b, 1 AS n FROM flow_sequence WHERE next_label IS NOT NULL AND ${notConflict}`,
    sql`SELECT last_label AS a, next_first_label AS b, 1 AS n
      FROM (${dialect.inSequence(
        sql`SELECT session_id, hour, last_label, ${dialect.listElement(raw('path'), raw('1'))} AS first_label
            FROM (${parts.stitched}) AS s`,
        'session_id',
        ['hour'],
        ['last_label'],
        ['first_label'],
      )}) AS q WHERE next_first_label IS NOT NULL`,
  ];
  return sql`SELECT a, b, sum(n) AS n FROM (${join(signed, ' UNION ALL ')}) AS t GROUP BY a, b HAVING sum(n) > 0`;
}

function pathsRelation(
  dialect: SqlDialect,
  flows: FlowRollup,
  split: RangeSplit,
  args: FlowRollupArgs,
  parts: Parts,
): SqlFragment {
  const length = Math.trunc(args.pathLength);
  // Every rolled-up piece's own first labels: the hourly counts, or grouped from the pieces.
  const base =
    !args.matching && length <= flows.pathSumLengths
      ? sql`SELECT path AS head, n FROM ${flows.pathSums}
          WHERE ${split.rollup} AND mode = ${args.mode} AND k = ${length}`
      : parts.rolled(sql`${dialect.listHead(raw('path'), length)} AS head, 1 AS n`);
  // The corrected sessions' pieces are not their paths: out, and their real paths in.
  const out = raw('SELECT path AS head, -1 AS n FROM flow_theirs WHERE from_events = 0');
  const positions = Array.from({ length }, (_, i) => i + 1);
  const fromLists = (lists: SqlFragment) =>
    sql`SELECT ${dialect.listLength(raw('head'))} AS len,
        ${join(positions.map((i) => sql`${dialect.listElement(raw('head'), raw(String(i)))} AS ${raw(`v${i}`)}`))}, n
      FROM (${lists}) AS l`;
  // A stitched session's labels in order (hour, then position in its piece), its first `length` kept.
  const labels = sql`SELECT session_id, hour, i, ${dialect.listElement(raw('head'), raw('i'))} AS label
    FROM (SELECT session_id, hour, head, ${dialect.listPositions(raw('head'))} AS i
          FROM (SELECT session_id, hour, path AS head FROM (${parts.stitched}) AS s) AS h) AS e`;
  const withCount = (firsts: SqlFragment) =>
    sql`SELECT len, ${raw(positions.map((i) => `v${i}`).join(', '))}, 1 AS n FROM (${firsts}) AS f`;
  const signed = [
    fromLists(base),
    fromLists(out),
    withCount(dialect.firstValues(labels, 'session_id', ['hour', 'i'], 'label', length)),
    withCount(dialect.firstValues(parts.fromEvents, 'session_id', ['timestamp', 'seq'], 'label', length)),
  ];
  // Values past a path's length differ by source (NULL, '' or a label): only the first len count.
  const values = positions.map((i) => `CASE WHEN len >= ${i} THEN v${i} END AS v${i}`).join(', ');
  const columns = positions.map((i) => `v${i}`).join(', ');
  return sql`SELECT len, ${raw(columns)}, sum(n) AS n
    FROM (SELECT len, ${raw(values)}, n FROM (${join(signed, ' UNION ALL ')}) AS t) AS u
    GROUP BY len, ${raw(columns)} HAVING sum(n) > 0`;
}
