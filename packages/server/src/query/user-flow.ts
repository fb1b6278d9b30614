import {
  type QueryFilter,
  type TimeRange,
  type TopPath,
  type Transition,
  type UserFlowResult,
  userFlowArgs,
} from '@sightline/schema';
import { raw, sql } from '../sql/sql.js';
import type { QueryRow } from '../storage/engine.js';
import { flowStepsSql } from '../storage/flow-pieces.js';
import { sessionsMeetingFilters, sessionsMeetingFiltersSql } from './filtered-sessions.js';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope } from './scope.js';
import { splitRange } from './session-rollup.js';
import { flowFromRollup } from './user-flow-rollup.js';

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
export async function userFlow(ctx: QueryContext, args: UserFlowArgs): Promise<UserFlowResult> {
  const { engine, projectId, now } = ctx;
  const { dialect } = engine;
  const scope = eventScope(projectId, args.time_range, now);
  const matching = sessionsMeetingFilters(engine.dialect, scope.where, args.filters);
  const length = Math.trunc(args.path_length);
  const flows = engine.rollup?.flows;
  const split = flows ? await splitRange(ctx, args.time_range) : null;
  let pairRows: QueryRow[];
  let pathRows: QueryRow[];
  if (flows && split) {
    const rows = await engine.query(
      flowFromRollup(dialect, flows, split, {
        mode: args.mode,
        pathLength: length,
        matching: sessionsMeetingFiltersSql(dialect, scope.where, args.filters),
        rangeWhere: scope.where,
      }),
    );
    pairRows = rows.filter((row) => Number(row['kind']) === 0);
    pathRows = rows.filter((row) => Number(row['kind']) === 1);
  } else {
    const steps = flowStepsSql(args.mode, matching ? sql`${scope.where} AND ${matching}` : scope.where);
    const order = ['timestamp', 'seq'];
    const pathColumns = raw(Array.from({ length }, (_, i) => `v${i + 1}`).join(', '));
    [pairRows, pathRows] = await Promise.all([
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
  }
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
