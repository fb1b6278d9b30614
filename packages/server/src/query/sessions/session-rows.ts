import { ERROR_EVENTS } from '../../friction/error-encountered.js';
import { inList, join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import type { StorageEngine } from '../../storage/engine.js';
import { type RangeSplit, rawEvents } from '../session-rollup.js';
import { PAGE_VIEW, type SnapshotSource, snapshotEvents } from './snapshot.js';

/**
 * A per-session value: how a rollup session-hour row and an event each contribute to it, and
 * how the contributions combine. Only the columns a statement needs are computed (the rank of
 * a 10 M-event list needs its sort value, not every summary field).
 */
interface SessionColumn {
  fromRollup(split: RangeSplit): SqlFragment;
  fromEvent: SqlFragment;
  combine: 'min' | 'max' | 'sum';
}

/** A name's count in a rollup row; 0 outright for a name the rollup has never seen ($exception, often). */
const rollupCount = (split: RangeSplit, name: string) => {
  const id = split.nameIds.get(name);
  return id === undefined ? raw('0') : sql`coalesce(${split.store.perName('count', id)}, 0)`;
};

const COLUMNS = {
  distinct_id: { fromRollup: () => raw('distinct_id'), fromEvent: raw('distinct_id'), combine: 'min' },
  first_seen: {
    fromRollup: (split) => split.store.span('first'),
    fromEvent: raw('timestamp'),
    combine: 'min',
  },
  last_seen: { fromRollup: (split) => split.store.span('last'), fromEvent: raw('timestamp'), combine: 'max' },
  event_count: { fromRollup: () => raw('events'), fromEvent: raw('1'), combine: 'sum' },
  errors: {
    fromRollup: (split) =>
      join(
        ERROR_EVENTS.map((name) => rollupCount(split, name)),
        ' + ',
      ),
    fromEvent: sql`CASE WHEN ${inList(raw('event'), ERROR_EVENTS)} THEN 1 ELSE 0 END`,
    combine: 'sum',
  },
  pages: {
    fromRollup: (split) => rollupCount(split, PAGE_VIEW),
    fromEvent: sql`CASE WHEN event = ${PAGE_VIEW} THEN 1 ELSE 0 END`,
    combine: 'sum',
  },
} satisfies Record<string, SessionColumn>;

export type SessionColumnName = keyof typeof COLUMNS | 'matched';

/** What a session's summary shows: every column but `matched`. */
export const SUMMARY_COLUMNS: readonly SessionColumnName[] = [
  'distinct_id',
  'first_seen',
  'last_seen',
  'event_count',
  'errors',
  'pages',
];

/** With a search: 1 when the text is in the session id or one of its distinct ids. */
function matchedColumn(engine: StorageEngine, search: string): SessionColumn {
  const { containsIgnoreCase } = engine.dialect;
  const test = sql`CASE WHEN ${containsIgnoreCase(raw('session_id'), sql`${search}`)}
    OR ${containsIgnoreCase(raw('distinct_id'), sql`${search}`)} THEN 1 ELSE 0 END`;
  return { fromRollup: () => test, fromEvent: test, combine: 'max' };
}

export interface SessionRowsSpec {
  columns: readonly SessionColumnName[];
  search?: string | undefined;
  /** Only these sessions (the page's), when given. */
  only?: readonly string[];
}

/**
 * One row per session of the snapshot: session_id and the columns asked for (distinct_id is the
 * smallest; errors counts the catalogue's error events; pages the page views).
 *
 * Where the engine keeps the hourly rollup, whole covered hours come from its session-hour rows
 * and only the rest from events (query/session-rollup.ts), so a 24 h list groups about one row
 * per session-hour instead of every event; the answer is the events-only one
 * (test/query/sessions-rollup.test.ts).
 */
export function sessionRows(
  engine: StorageEngine,
  projectId: string,
  source: SnapshotSource,
  spec: SessionRowsSpec,
): SqlFragment {
  const columns = spec.columns.map((name): [string, SessionColumn] => {
    if (name !== 'matched') return [name, COLUMNS[name]];
    if (spec.search === undefined) throw new Error('matched needs a search');
    return [name, matchedColumn(engine, spec.search)];
  });
  // Contributions are named apart from the aggregates (c0, c1…): ClickHouse resolves aliases first.
  const select = (part: (column: SessionColumn) => SqlFragment) =>
    join([raw('session_id'), ...columns.map(([, column], i) => sql`${part(column)} AS ${raw(`c${i}`)}`)]);
  const only = spec.only ? sql` AND ${inList(raw('session_id'), spec.only)}` : raw('');
  const named = sql`session_id <> ''${only}`;
  const { split } = source;
  const rows = split
    ? sql`SELECT ${select((c) => c.fromRollup(split))} FROM ${split.rows} WHERE ${split.rollup} AND ${named}
        UNION ALL ${rawEvents(
          split,
          select((c) => c.fromEvent),
          sql`${named} AND seq <= ${source.snapshot.seq}`,
        )}`
    : sql`SELECT ${select((c) => c.fromEvent)} FROM events WHERE ${snapshotEvents(source, projectId)} AND ${named}`;
  const aggregates = columns.map(([name, column], i) => raw(`${column.combine}(c${i}) AS ${name}`));
  return sql`SELECT ${join([raw('session_id'), ...aggregates])} FROM (${rows}) AS r GROUP BY session_id`;
}
