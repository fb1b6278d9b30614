import { type ParsedQueryArgs, type SourcesResult, sourcesArgs } from '@sightline/schema';
import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import { referrerDomainSql, UTM_PARAMETERS, urlHostSql, utmSql } from '../filters.js';
import { defineQuery, type QueryContext } from '../registry.js';
import { loadBreakdowns } from './breakdowns.js';
import { channelSql } from './channel.js';
import { entrySessions } from './entry-sessions.js';

/**
 * Per counted session (entry-sessions.ts): its entry event's referrer host, UTM tags and channel.
 * The referrer and UTM values are exactly what the filters compare (query/filters.ts).
 */
function sessionSources(ctx: QueryContext, args: ParsedQueryArgs<'sources'>): SqlFragment {
  const { dialect } = ctx.engine;
  const entry = entrySessions(ctx, args, ['referrer', 'url', 'properties']);
  const utm = join(UTM_PARAMETERS.map((name) => sql`${utmSql(dialect, name)} AS ${raw(name)}`));
  const tagged = sql`SELECT distinct_id, ${referrerDomainSql(dialect)} AS domain,
      ${urlHostSql(dialect, raw('url'))} AS own_host, ${utm}
    FROM (${entry}) AS e`;
  // A referrer on the site's own host (a session that began mid-visit) is no source.
  const external = raw("CASE WHEN domain = own_host THEN '' ELSE domain END");
  const channel = channelSql(dialect, {
    domain: external,
    source: raw('lower(utm_source)'),
    medium: raw('lower(utm_medium)'),
  });
  return sql`SELECT distinct_id, domain, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
      ${channel} AS channel
    FROM (${tagged}) AS t`;
}

export const sourcesQuery = defineQuery({
  name: 'sources',
  reads: ['events'],
  args: sourcesArgs,
  async run(ctx, args): Promise<SourcesResult> {
    const listed = ['domain', ...UTM_PARAMETERS].map((column) => ({ value: raw(column), limit: args.limit }));
    const lists = await loadBreakdowns(ctx.engine, sessionSources(ctx, args), [
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
