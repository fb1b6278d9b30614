import { type TimeseriesPoint, type TimeseriesResult, timeseriesArgs } from '@sightline/schema';
import { ApiError } from '../errors.js';
import { raw, sql } from '../sql/sql.js';
import { filterCondition, hasFilters } from './filters.js';
import { defineQuery } from './registry.js';
import { eventScope } from './scope.js';
import { rawEvents, splitRange } from './session-rollup.js';

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** More buckets than this is a mistake (a year by minute), refused rather than computed. */
export const MAX_BUCKETS = 10_000;

/**
 * Events and unique sessions per minute / hour / day bucket; empty buckets are filled with zeros.
 * With filters, only events meeting every filter count (and the sessions they belong to).
 */
export const timeseriesQuery = defineQuery({
  name: 'timeseries',
  reads: ['events'],
  args: timeseriesArgs,
  async run(ctx, args): Promise<TimeseriesResult> {
    const { engine } = ctx;
    const scope = eventScope(ctx.projectId, args.time_range, ctx.now);
    const size = BUCKET_MS[args.interval];
    const first = Math.floor(scope.from / size) * size;
    if ((scope.to - first) / size > MAX_BUCKETS) {
      throw new ApiError(
        'invalid_arguments',
        `interval: more than ${MAX_BUCKETS} buckets; use a coarser interval`,
      );
    }
    const { timeBucket } = engine.dialect;
    // Hour and day buckets hold whole rollup hours: read the rollup where the engine keeps one
    // (not with filters: the rollup keeps no per-event columns).
    const split =
      args.interval === 'minute' || hasFilters(args.filters) ? null : await splitRange(ctx, args.time_range);
    const source = split
      ? sql`SELECT ${timeBucket(raw('hour'), args.interval)} AS t, events AS n, session_id
          FROM ${split.rows} WHERE ${split.rollup}
          UNION ALL ${rawEvents(split, sql`${timeBucket(raw('timestamp'), args.interval)} AS t, 1 AS n, session_id`)}`
      : sql`SELECT ${timeBucket(raw('timestamp'), args.interval)} AS t, 1 AS n, session_id
          FROM events WHERE ${scope.where} AND ${filterCondition(args.filters, engine.dialect)}`;
    const rows = await engine.query(
      sql`SELECT t, sum(n) AS events,
            ${engine.dialect.countDistinct(raw("CASE WHEN session_id <> '' THEN session_id END"))} AS sessions
          FROM (${source}) AS r GROUP BY t`,
    );
    const found = new Map(rows.map((r) => [Number(r['t']), r]));
    const points: TimeseriesPoint[] = [];
    for (let t = first; t < scope.to; t += size) {
      const row = found.get(t);
      points.push({ t, events: Number(row?.['events'] ?? 0), sessions: Number(row?.['sessions'] ?? 0) });
    }
    return { interval: args.interval, points };
  },
});
