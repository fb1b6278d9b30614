import { type CountriesResult, countriesArgs } from '@sightline/schema';
import { raw } from '../../sql/sql.js';
import { defineQuery } from '../registry.js';
import { loadBreakdowns } from './breakdowns.js';
import { entryRows } from './entry-rows.js';

/**
 * Counted sessions by their entry event's country (the `country` column, looked up from the
 * client's address at ingest), as devices and sources count theirs (entry-rows.ts,
 * breakdowns.ts): visitors and sessions per code, '' for an unknown country.
 */
export const countriesQuery = defineQuery({
  name: 'countries',
  reads: ['events'],
  args: countriesArgs,
  async run(ctx, args): Promise<CountriesResult> {
    const [rows = []] = await loadBreakdowns(ctx.engine, await entryRows(ctx, args, ['country']), [
      { value: raw('country'), limit: args.limit },
    ]);
    return {
      countries: rows.map(({ name, visitors, sessions }) => ({ code: name, visitors, sessions })),
    };
  },
});
