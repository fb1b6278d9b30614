import { type BotsResult, botsArgs, resolveTimeRange } from '@sightline/schema';
import { sql } from '../../sql/sql.js';
import { botCountDay } from '../../storage/engine.js';
import { defineQuery } from '../registry.js';

/**
 * Bot events dropped at ingest (ingest/bots.ts), per UTC day: the days of the range, the one its
 * start falls in included, summed over nodes (each keeps its own row in `bot_counts`).
 */
export const botsQuery = defineQuery({
  name: 'bots',
  reads: ['bots'],
  args: botsArgs,
  async run(ctx, args): Promise<BotsResult> {
    const { from, to } = resolveTimeRange(args.time_range, ctx.now);
    const rows = await ctx.engine.query(
      sql`SELECT day, sum(dropped) AS dropped FROM bot_counts
        WHERE project_id = ${ctx.projectId} AND day >= ${botCountDay(from)} AND day < ${to}
        GROUP BY day ORDER BY day`,
    );
    const days = rows.map((row) => ({ day: Number(row['day']), dropped: Number(row['dropped']) }));
    return { days, total_dropped: days.reduce((sum, { dropped }) => sum + dropped, 0) };
  },
});
