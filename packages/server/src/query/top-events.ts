import {
  type EventCount,
  type ParsedQueryArgs,
  type TopEventsResult,
  topEventsArgs,
} from '@sightline/schema';
import { sql } from '../sql/sql.js';
import { filterCondition } from './filters.js';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope, limitClause } from './scope.js';

export type { EventCount };

/** Event names by count, most first (ties by name); with filters, of the events meeting every one. */
export async function topEvents(
  { engine, projectId, now }: QueryContext,
  args: TopEventsArgs,
): Promise<EventCount[]> {
  const scope = eventScope(projectId, args.time_range, now);
  const rows = await engine.query(
    sql`SELECT event AS name, count(*) AS count FROM events
        WHERE ${scope.where} AND ${filterCondition(args.filters, engine.dialect)}
        GROUP BY event ORDER BY count DESC, name ASC ${limitClause(args.limit)}`,
  );
  return rows.map((r) => ({ name: String(r['name']), count: Number(r['count']) }));
}

type TopEventsArgs = ParsedQueryArgs<'top_events'>;

export const topEventsQuery = defineQuery({
  name: 'top_events',
  reads: ['events'],
  args: topEventsArgs,
  run: async (ctx, args): Promise<TopEventsResult> => ({ events: await topEvents(ctx, args) }),
});
