import {
  type QueryFilter,
  type TimeRange,
  type TopPath,
  type Transition,
  type UserFlowResult,
  userFlowArgs,
} from '@sightline/schema';
import { raw, sql } from '../sql/sql.js';
import { sessionsMeetingFilters } from './filtered-sessions.js';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope } from './scope.js';

export type { TopPath, Transition, UserFlowResult };

export interface UserFlowArgs {
  time_range: TimeRange;
  /** "events": every event, labelled by name; "pages": page views only, labelled by path. */
  mode: 'events' | 'pages';
  limit: number;
  path_length: number;
  /** Only sessions with an event in the range meeting every filter; their flow is whole. */
  filters?: readonly QueryFilter[] | undefined;
}

const countDescThenKey =
  <T extends { count: number }>(key: (x: T) => string) =>
  (a: T, b: T) =>
    b.count - a.count || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * Consecutive steps within each session (ordered by timestamp, then seq) and the sessions' first
 * `path_length` steps, counted in SQL: the engine's dialect gives consecutive pairs and first
 * values per session (window functions on DuckDB, sorted arrays on ClickHouse). With filters, the
 * sessions are those with an event meeting every filter, and each keeps all its steps: leaving
 * the other events out would make up transitions nobody took. Only distinct
 * (from, to) pairs and distinct paths leave the engine; TypeScript orders them (ties by label
 * text, as JavaScript compares strings).
 */
export async function userFlow(
  { engine, projectId, now }: QueryContext,
  args: UserFlowArgs,
): Promise<UserFlowResult> {
  const { dialect } = engine;
  const scope = eventScope(projectId, args.time_range, now);
  const pages = args.mode === 'pages';
  const matching = sessionsMeetingFilters(engine.dialect, scope.where, args.filters);
  const steps = sql`SELECT session_id, timestamp, seq, ${raw(pages ? 'path' : 'event')} AS label FROM events
    WHERE ${scope.where} AND session_id <> '' ${pages ? sql`AND event = ${'page_view'}` : raw('')}
      ${matching ? sql`AND ${matching}` : raw('')}`;
  const order = ['timestamp', 'seq'];
  const length = Math.trunc(args.path_length);
  const pathColumns = raw(Array.from({ length }, (_, i) => `v${i + 1}`).join(', '));
  const [pairRows, pathRows] = await Promise.all([
    engine.query(
      sql`SELECT a, b, count(*) AS n FROM (${dialect.consecutivePairs(steps, 'session_id', order, 'label')}) AS pairs
          GROUP BY a, b`,
    ),
    engine.query(
      sql`SELECT len, ${pathColumns}, count(*) AS n
          FROM (${dialect.firstValues(steps, 'session_id', order, 'label', length)}) AS firsts
          GROUP BY len, ${pathColumns}`,
    ),
  ]);
  const transitions: Transition[] = pairRows.map((row) => ({
    from: String(row['a']),
    to: String(row['b']),
    count: Number(row['n']),
  }));
  const paths: TopPath[] = pathRows.map((row) => ({
    path: Array.from({ length: Number(row['len']) }, (_, i) => String(row[`v${i + 1}`])),
    count: Number(row['n']),
  }));
  return {
    transitions: transitions
      .sort(countDescThenKey((t) => JSON.stringify([t.from, t.to])))
      .slice(0, args.limit),
    top_paths: paths.sort(countDescThenKey((p) => JSON.stringify(p.path))).slice(0, args.limit),
  };
}

export const userFlowQuery = defineQuery({
  name: 'user_flow',
  reads: ['events'],
  args: userFlowArgs,
  run: (ctx, args) => userFlow(ctx, args),
});
