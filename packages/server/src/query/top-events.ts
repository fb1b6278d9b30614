import { timeRangeSchema } from '@sightline/schema';
import { z } from 'zod';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope, limitClause, limitSchema } from './scope.js';
import { sql } from './sql.js';

export interface EventCount {
  name: string;
  count: number;
}

/** Event names by count, most first (ties by name). */
export async function topEvents(
  { engine, projectId, now }: QueryContext,
  args: TopEventsArgs,
): Promise<EventCount[]> {
  const scope = eventScope(projectId, args.time_range, now);
  const rows = await engine.query(
    sql`SELECT event AS name, count(*) AS count FROM events WHERE ${scope.where}
        GROUP BY event ORDER BY count DESC, name ASC ${limitClause(args.limit)}`,
  );
  return rows.map((r) => ({ name: String(r['name']), count: Number(r['count']) }));
}

const topEventsArgs = z.object({ time_range: timeRangeSchema.default('24h'), limit: limitSchema(10, 1000) });
type TopEventsArgs = z.infer<typeof topEventsArgs>;

export const topEventsQuery = defineQuery({
  name: 'top_events',
  reads: ['events'],
  args: topEventsArgs,
  run: async (ctx, args): Promise<{ events: EventCount[] }> => ({ events: await topEvents(ctx, args) }),
});
