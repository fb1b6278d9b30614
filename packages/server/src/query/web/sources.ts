import { type ParsedQueryArgs, type SourcesResult, sourcesArgs } from '@sightline/schema';
import { raw, type SqlFragment, sql } from '../../sql/sql.js';
import { UTM_PARAMETERS } from '../../storage/entry-dimensions.js';
import { defineQuery, type QueryContext } from '../registry.js';
import { loadBreakdowns } from './breakdowns.js';
import { channelSql } from './channel.js';
import { entryRows } from './entry-rows.js';

/**
 * Per counted session (entry-rows.ts): its entry event's referrer host, UTM tags and channel.
 * The referrer and UTM values are exactly what the filters compare (query/filters.ts).
 */
async function sessionSources(ctx: QueryContext, args: ParsedQueryArgs<'sources'>): Promise<SqlFragment> {
  const entries = await entryRows(ctx, args, ['referrer_domain', 'url_host', ...UTM_PARAMETERS]);
  // A referrer on the site's own host (a session that began mid-visit) is no source.
  const external = raw("CASE WHEN referrer_domain = url_host THEN '' ELSE referrer_domain END");
  const channel = channelSql(ctx.engine.dialect, {
    domain: external,
    source: raw('lower(utm_source)'),
    medium: raw('lower(utm_medium)'),
  });
  return sql`SELECT distinct_id, referrer_domain AS domain, ${raw(UTM_PARAMETERS.join(', '))}, ${channel} AS channel
    FROM (${entries}) AS e`;
}

export const sourcesQuery = defineQuery({
  name: 'sources',
  reads: ['events'],
  args: sourcesArgs,
  async run(ctx, args): Promise<SourcesResult> {
    const listed = ['domain', ...UTM_PARAMETERS].map((column) => ({ value: raw(column), limit: args.limit }));
    const lists = await loadBreakdowns(ctx.engine, await sessionSources(ctx, args), [
      ...listed,
      // Every channel, whatever the limit: there are only CHANNELS.length.
      { value: raw('channel'), limit: null },
    ]);
    const [
      referrers = [],
      sources = [],
      mediums = [],
      campaigns = [],
      terms = [],
      contents = [],
      channels = [],
    ] = lists;
    return {
      referrers: referrers.map(({ name, visitors, sessions }) => ({ domain: name, visitors, sessions })),
      utm_sources: sources,
      utm_mediums: mediums,
      utm_campaigns: campaigns,
      utm_terms: terms,
      utm_contents: contents,
      channels,
    };
  },
});
