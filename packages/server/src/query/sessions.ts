import {
  type ParsedQueryArgs,
  type SessionSummary,
  type SessionsResult,
  sessionsArgs,
} from '@sightline/schema';
import { inList, join, raw, type SqlFragment, sql } from '../sql/sql.js';
import type { QueryRow } from '../storage/engine.js';
import { defineQuery, type QueryContext } from './registry.js';
import { limitClause } from './scope.js';
import {
  afterCursor,
  atRiskSessions,
  filterColumns,
  frictionScores,
  orderBy,
  rankColumns,
  SORT_COLUMN,
  sessionFilters,
} from './sessions/conditions.js';
import { decodeCursor, encodeCursor } from './sessions/cursor.js';
import { SUMMARY_COLUMNS, sessionRows } from './sessions/session-rows.js';
import { resumeSnapshot, type SnapshotSource, takeSnapshot } from './sessions/snapshot.js';

export type SessionsArgs = ParsedQueryArgs<'sessions'>;

const where = (conditions: readonly SqlFragment[]) =>
  conditions.length > 0 ? sql`WHERE ${join(conditions, ' AND ')}` : raw('');

/**
 * Sessions active in the range, matching the search and filters, in the chosen order, a page at a
 * time: `total` counts every matching session, `next_cursor` continues after the page's last row
 * over the same snapshot of events (sessions/snapshot.ts). The page is ranked on its sort value
 * alone; the summary columns are computed for the page's sessions only.
 */
export const sessionsQuery = defineQuery({
  name: 'sessions',
  reads: ['events', 'insights', 'journeys', 'friction'],
  args: sessionsArgs,
  async run(ctx, args): Promise<SessionsResult> {
    const { engine, projectId } = ctx;
    const cursor = args.cursor === undefined ? null : decodeCursor(args.cursor, args);
    const source = cursor
      ? await resumeSnapshot(ctx, cursor.snapshot)
      : await takeSnapshot(ctx, args.time_range);
    const filters = sessionFilters(engine, args, projectId, source);
    const filtered = filterColumns(args);
    const sortColumn = SORT_COLUMN[args.sort];
    const rows = (columns: typeof filtered) =>
      sessionRows(engine, projectId, source, { columns, search: args.search });
    // The friction score is the processor's: joined, not grouped.
    const ranked =
      args.sort === 'friction_score'
        ? sql`SELECT ${raw(['session_id', ...filtered].map((c) => `p.${c} AS ${c}`).join(', '))},
              coalesce(f.score, 0) AS friction_score
            FROM (${rows(filtered)}) AS p LEFT JOIN (${frictionScores(projectId)}) AS f ON p.session_id = f.fsid`
        : rows(rankColumns(args));
    const paged = cursor ? [...filters, afterCursor(args.sort, cursor)] : filters;
    const [page, [count]] = await Promise.all([
      engine.query(
        sql`SELECT session_id, ${raw(sortColumn)} FROM (${ranked}) AS s ${where(paged)}
            ${orderBy(args.sort)} ${limitClause(args.limit + 1)}`,
      ),
      engine.query(sql`SELECT count(*) AS total FROM (${rows(filtered)}) AS s ${where(filters)}`),
    ]);
    const shown = page.slice(0, args.limit);
    const last = shown[shown.length - 1];
    return {
      sessions: await summaries(
        ctx,
        source,
        shown.map((r) => String(r['session_id'])),
      ),
      total: Number(count?.['total'] ?? 0),
      next_cursor:
        page.length > args.limit && last
          ? encodeCursor(
              args,
              { key: Number(last[sortColumn]), id: String(last['session_id']) },
              source.snapshot,
            )
          : null,
    };
  },
});

/** The page's sessions, in the page's order, with what the processor stored for them. */
async function summaries(
  { engine, projectId }: QueryContext,
  source: SnapshotSource,
  ids: string[],
): Promise<SessionSummary[]> {
  if (ids.length === 0) return [];
  const [details, risky, friction] = await Promise.all([
    engine.query(sessionRows(engine, projectId, source, { columns: SUMMARY_COLUMNS, only: ids })),
    engine.query(sql`SELECT DISTINCT session_id FROM (${atRiskSessions(projectId)}) r
                     WHERE ${inList(raw('session_id'), ids)}`),
    engine.query(
      sql`SELECT fsid, score FROM (${frictionScores(projectId)}) f WHERE ${inList(raw('fsid'), ids)}`,
    ),
  ]);
  const byId = new Map<string, QueryRow>(details.map((r) => [String(r['session_id']), r]));
  const atRisk = new Set(risky.map((r) => String(r['session_id'])));
  const scores = new Map(friction.map((r) => [String(r['fsid']), Number(r['score'])]));
  return ids.map((id) => {
    const r = byId.get(id) ?? {};
    return {
      session_id: id,
      distinct_id: String(r['distinct_id']),
      first_seen: Number(r['first_seen']),
      last_seen: Number(r['last_seen']),
      event_count: Number(r['event_count']),
      has_error: Number(r['errors']) > 0,
      pages: Number(r['pages']),
      at_risk: atRisk.has(id),
      friction_score: scores.get(id) ?? 0,
    };
  });
}
