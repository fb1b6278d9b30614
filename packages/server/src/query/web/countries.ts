import { type CountriesResult, countriesArgs, type ParsedQueryArgs } from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import { filterCondition, hasFilters } from '../filters.js';
import { defineQuery, type QueryContext } from '../registry.js';
import { eventScope } from '../scope.js';
import { rawEvents, splitRange } from '../session-rollup.js';
import { loadBreakdowns } from './breakdowns.js';
import { entrySessions } from './entry-sessions.js';

type CountriesArgs = ParsedQueryArgs<'countries'>;

/**
 * The counted sessions' entry `distinct_id` and `country` (entry-sessions.ts defines both) from
 * the engine's session-entry rollup where it keeps one (DuckDB: one row per session-hour for the
 * range's whole covered hours, raw events for the rest); null otherwise. With filters, a session
 * counts when one of its events in the range meets them, as entrySessions has it: the matching
 * sessions join the entry rows as marker rows (`matched` = 1), so one GROUP BY both finds each
 * session's entry and keeps the matching ones (cheaper on DuckDB than a join after it).
 */
async function rolledUpEntries(ctx: QueryContext, args: CountriesArgs): Promise<SqlFragment | null> {
  const entries = ctx.engine.rollup?.sessionEntries;
  if (!entries) return null;
  const split = await splitRange(ctx, args.time_range);
  if (!split) return null;
  const { dialect } = ctx.engine;
  const columns = raw('session_id, entry_ts, entry_seq, distinct_id, country, 0 AS matched');
  const fromEvents = raw(
    'session_id, timestamp AS entry_ts, seq AS entry_seq, distinct_id, country, 0 AS matched',
  );
  const parts = [
    sql`SELECT ${columns} FROM ${entries} WHERE ${split.rollup}`,
    rawEvents(split, fromEvents, raw("session_id <> ''")),
  ];
  const filtered = hasFilters(args.filters);
  if (filtered) {
    const scope = eventScope(ctx.projectId, args.time_range, ctx.now).where;
    parts.push(sql`SELECT session_id, NULL, NULL, NULL, NULL, 1 FROM events
      WHERE ${scope} AND session_id <> '' AND ${filterCondition(args.filters, dialect)} GROUP BY session_id`);
  }
  const keys = [raw('entry_ts'), raw('entry_seq')];
  const first = (column: string) => dialect.argMinIf(raw(column), keys, raw('matched = 0'));
  return sql`SELECT entry_distinct_id AS distinct_id, entry_country AS country FROM (
      SELECT session_id, ${first('distinct_id')} AS entry_distinct_id, ${first('country')} AS entry_country
      FROM (${join(parts, ' UNION ALL ')}) AS r
      GROUP BY session_id${filtered ? raw(' HAVING max(matched) = 1') : raw('')}) AS s`;
}

/**
 * Counted sessions by their entry event's country (the `country` column, looked up from the
 * client's address at ingest), as devices and sources count theirs (entry-sessions.ts,
 * breakdowns.ts): visitors and sessions per code, '' for an unknown country.
 */
export const countriesQuery = defineQuery({
  name: 'countries',
  reads: ['events'],
  args: countriesArgs,
  async run(ctx, args): Promise<CountriesResult> {
    const sessions =
      (await rolledUpEntries(ctx, args)) ??
      sql`SELECT distinct_id, country FROM (${entrySessions(ctx, args, ['country'])}) AS e`;
    const [rows = []] = await loadBreakdowns(ctx.engine, sessions, [
      { value: raw('country'), limit: args.limit },
    ]);
    return {
      countries: rows.map(({ name, visitors, sessions }) => ({ code: name, visitors, sessions })),
    };
  },
});
