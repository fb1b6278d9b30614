import { type DevicesResult, devicesArgs, SCREEN_CLASSES } from '@sightline/schema';
import type { SqlDialect } from '../../sql/dialect.js';
import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import { defineQuery } from '../registry.js';
import { loadBreakdowns } from './breakdowns.js';
import { entrySessions } from './entry-sessions.js';

/**
 * The screen class (SCREEN_CLASSES) of the `properties` column's numeric `screen_width`; '' when
 * it has none. Classes are tried widest first: the first whose min_width the width reaches.
 */
export function screenClassSql(dialect: SqlDialect): SqlFragment {
  const width = dialect.jsonNumber(raw('properties'), 'screen_width');
  const widestFirst = [...SCREEN_CLASSES].reverse();
  return sql`(CASE WHEN ${width} IS NULL THEN '' ${join(
    widestFirst.map(({ name, min_width }) => sql`WHEN ${width} >= ${min_width} THEN ${name}`),
    ' ',
  )} ELSE ${SCREEN_CLASSES[0].name} END)`;
}

export const devicesQuery = defineQuery({
  name: 'devices',
  reads: ['events'],
  args: devicesArgs,
  async run(ctx, args): Promise<DevicesResult> {
    const entry = entrySessions(ctx, args, ['browser', 'os', 'device', 'properties']);
    const sessions = sql`SELECT distinct_id, browser, os, device, ${screenClassSql(ctx.engine.dialect)} AS screen
      FROM (${entry}) AS e`;
    const [browsers = [], os = [], device_types = [], screens = []] = await loadBreakdowns(
      ctx.engine,
      sessions,
      ['browser', 'os', 'device', 'screen'].map((column) => ({ value: raw(column), limit: args.limit })),
    );
    return { browsers, os, device_types, screens };
  },
});
