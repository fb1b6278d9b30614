import {
  EVENTS,
  entryPagesArgs,
  exitPagesArgs,
  type PageRow,
  type PageSort,
  type PagesResult,
  type ParsedQueryArgs,
  pagesArgs,
} from '@sightline/schema';
import { raw, type SqlFragment, sql } from '../../sql/sql.js';
import type { QueryRow } from '../../storage/engine.js';
import { filterCondition, hasFilters } from '../filters.js';
import { defineQuery, type QueryContext } from '../registry.js';
import { eventScope, limitClause } from '../scope.js';
import { type Period, readPeriods } from './periods.js';
import { matchingSessions, sessionSummaries } from './session-summaries.js';

/**
 * Pages (docs/SEMANTICS.md, Web analytics): per path of the matching page views, its views,
 * visitors, entries, exits, bounce rate and time on page. Each view is joined to its session's
 * last event time (session-summaries.ts, from the rollup where kept), and each session's views
 * are put in order to know its first, its last and every view's next.
 */

/** The figure each sort orders by (descending, then path ascending). */
const SORT_COLUMN: Record<PageSort, string> = {
  views: 'views',
  visitors: 'visitors',
  entries: 'entries',
  exits: 'exits',
};

type PagesArgs = ParsedQueryArgs<'pages'>;

/**
 * The period's page views with what each needs: m (the view matches the filters), sm (its session
 * has a matching event: session figures count it) and its session's last event time (end_t; NULL,
 * or 0 where a join gives defaults, for a view without a session, which gets no time).
 */
function pageViews(ctx: QueryContext, period: Period, filters: PagesArgs['filters']): SqlFragment {
  const { dialect } = ctx.engine;
  const matches = hasFilters(filters)
    ? sql`CASE WHEN ${filterCondition(filters, dialect)} THEN 1 ELSE 0 END`
    : raw('1');
  const sessionMatches = hasFilters(filters)
    ? sql`CASE WHEN session_id IN (${matchingSessions(ctx, period, filters)}) THEN 1 ELSE 0 END`
    : raw("CASE WHEN session_id <> '' THEN 1 ELSE 0 END");
  return sql`SELECT v.session_id AS session_id, v.distinct_id AS distinct_id, v.path AS path,
      v.timestamp AS timestamp, v.seq AS seq, v.m AS m, v.sm AS sm, s.l AS end_t
    FROM (SELECT session_id, distinct_id, path, timestamp, seq, ${matches} AS m, ${sessionMatches} AS sm
          FROM events
          WHERE project_id = ${ctx.projectId} AND timestamp >= ${period.from} AND timestamp < ${period.to}
            AND event = ${EVENTS.pageView}) AS v
    LEFT JOIN (${sessionSummaries(ctx, period)}) AS s ON v.session_id = s.session_id`;
}

/**
 * Every page view as (path, distinct_id, session_id, timestamp, m, sm, first, last, next_t): whether
 * it is its session's first / last page view and when the next one (or, for the last, the session's
 * last event) came, from its session's page views in order (dialect.inSequence). A view without a
 * session stands alone (its own partition).
 */
function orderedPageViews(ctx: QueryContext, views: SqlFragment): SqlFragment {
  const { dialect } = ctx.engine;
  const unit = sql`CASE WHEN session_id <> '' THEN session_id ELSE concat('~', ${dialect.toText(raw('seq'))}) END`;
  const sequenced = dialect.inSequence(
    sql`SELECT ${unit} AS unit, v.* FROM (${views}) AS v`,
    'unit',
    ['timestamp', 'seq'],
    ['session_id', 'distinct_id', 'path', 'timestamp', 'm', 'sm', 'end_t'],
    ['timestamp'],
  );
  return sql`SELECT path, distinct_id, session_id, timestamp, m, sm, CASE WHEN seq_pos = 1 THEN 1 ELSE 0 END AS first,
      CASE WHEN next_timestamp IS NULL THEN 1 ELSE 0 END AS last, coalesce(next_timestamp, end_t) AS next_t
    FROM (${sequenced}) AS q`;
}

/** The pages of the range, ordered by `sort`: what pages, entry_pages and exit_pages answer. */
async function loadPages(
  ctx: QueryContext,
  args: Omit<PagesArgs, 'sort'>,
  sortBy: PageSort,
): Promise<PagesResult> {
  const { engine } = ctx;
  const scope = eventScope(ctx.projectId, args.time_range, ctx.now);
  const [period] = (await readPeriods(ctx, [{ from: scope.from, to: scope.to }])) as [Period];
  const ordered = orderedPageViews(ctx, pageViews(ctx, period, args.filters));
  const timed = raw("m = 1 AND session_id <> ''");
  // By (path, visitor) first, then by path: distinct visitors without a grouped count(DISTINCT).
  const perVisitor = sql`SELECT path, distinct_id, sum(m) AS v_views,
      sum(CASE WHEN first = 1 THEN sm ELSE 0 END) AS v_entries,
      sum(CASE WHEN last = 1 THEN sm ELSE 0 END) AS v_exits,
      sum(CASE WHEN first = 1 AND last = 1 THEN sm ELSE 0 END) AS v_bounces,
      sum(CASE WHEN ${timed} THEN next_t - timestamp ELSE 0 END) AS v_time,
      sum(CASE WHEN ${timed} THEN 1 ELSE 0 END) AS v_timed
    FROM (${ordered}) AS o GROUP BY path, distinct_id`;
  const perPath = sql`SELECT path, sum(v_views) AS views,
      sum(CASE WHEN v_views > 0 AND distinct_id <> '' THEN 1 ELSE 0 END) AS visitors,
      sum(v_entries) AS entries, sum(v_exits) AS exits, sum(v_bounces) AS bounces,
      sum(v_time) AS time_sum, sum(v_timed) AS timed
    FROM (${perVisitor}) AS v GROUP BY path`;
  const sort = SORT_COLUMN[sortBy];
  // Entry (exit) pages are the pages some counted session entered (left) by.
  const listed = sortBy === 'entries' || sortBy === 'exits' ? raw(` AND ${sort} > 0`) : raw('');
  const rows = await engine.query(
    sql`SELECT * FROM (${perPath}) AS p WHERE views > 0${listed}
        ORDER BY ${raw(sort)} DESC, path ${limitClause(args.limit)}`,
  );
  return { pages: rows.map(pageRow) };
}

export const pagesQuery = defineQuery({
  name: 'pages',
  reads: ['events'],
  args: pagesArgs,
  run: (ctx, args): Promise<PagesResult> => loadPages(ctx, args, args.sort),
});

/** Entry pages: `pages` sorted by entries, the pages no counted session entered by left out. */
export const entryPagesQuery = defineQuery({
  name: 'entry_pages',
  reads: ['events'],
  args: entryPagesArgs,
  run: (ctx, args): Promise<PagesResult> => loadPages(ctx, args, 'entries'),
});

/** Exit pages: `pages` sorted by exits, the pages no counted session left by left out. */
export const exitPagesQuery = defineQuery({
  name: 'exit_pages',
  reads: ['events'],
  args: exitPagesArgs,
  run: (ctx, args): Promise<PagesResult> => loadPages(ctx, args, 'exits'),
});

function pageRow(row: QueryRow): PageRow {
  const entries = Number(row['entries'] ?? 0);
  const timed = Number(row['timed'] ?? 0);
  return {
    path: String(row['path']),
    views: Number(row['views'] ?? 0),
    visitors: Number(row['visitors'] ?? 0),
    entries,
    exits: Number(row['exits'] ?? 0),
    bounce_rate: entries > 0 ? Number(row['bounces'] ?? 0) / entries : 0,
    avg_time_on_page_ms: timed > 0 ? Number(row['time_sum'] ?? 0) / timed : null,
  };
}
