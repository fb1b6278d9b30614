import { type DevicesResult, devicesArgs } from '@sightline/schema';
import { raw } from '../../sql/sql.js';
import { defineQuery } from '../registry.js';
import { loadBreakdowns } from './breakdowns.js';
import { entryRows } from './entry-rows.js';

/** Counted sessions by their entry event's browser, OS, device type and screen class (entry-rows.ts). */
export const devicesQuery = defineQuery({
  name: 'devices',
  reads: ['events'],
  args: devicesArgs,
  async run(ctx, args): Promise<DevicesResult> {
    const columns = ['browser', 'os', 'device', 'screen'] as const;
    const [browsers = [], os = [], device_types = [], screens = []] = await loadBreakdowns(
      ctx.engine,
      await entryRows(ctx, args, columns),
      columns.map((column) => ({ value: raw(column), limit: args.limit })),
    );
    return { browsers, os, device_types, screens };
  },
});
