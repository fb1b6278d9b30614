import type { z } from 'zod';
import type * as args from './args.js';
import type { DashboardResult } from './dashboard-result.js';
import type {
  FunnelResult,
  OverviewResult,
  PerformanceResult,
  TimeseriesResult,
  TopEventsResult,
  UserFlowResult,
} from './event-results.js';
import type {
  DropOffsResult,
  FrictionResult,
  InsightGroupsResult,
  InsightsResult,
  InterventionsResult,
  JourneysResult,
  SessionsResult,
  SessionTimelineResult,
} from './processor-results.js';
import type { BotsResult, CountriesResult } from './web-countries-results.js';
import type { PagesResult, WebOverviewResult } from './web-results.js';
import type { DevicesResult, RetentionResult, SourcesResult } from './web-sources-results.js';

/**
 * Every query the server runs (`POST /v1/query/<name>`, live subscriptions), by name: the zod
 * schema of its arguments and the type of its result. The server's registry checks each query
 * against it and the clients are typed from it, so a change on one side fails the other's typecheck.
 */
export interface QueryArgSchemas {
  dashboard: typeof args.dashboardArgs;
  insights: typeof args.insightsArgs;
  insight_groups: typeof args.insightGroupsArgs;
  journeys: typeof args.journeysArgs;
  interventions: typeof args.interventionsArgs;
  friction: typeof args.frictionArgs;
  overview: typeof args.overviewArgs;
  timeseries: typeof args.timeseriesArgs;
  top_events: typeof args.topEventsArgs;
  funnel: typeof args.funnelArgs;
  drop_offs: typeof args.dropOffsArgs;
  user_flow: typeof args.userFlowArgs;
  performance: typeof args.performanceArgs;
  sessions: typeof args.sessionsArgs;
  session_timeline: typeof args.sessionTimelineArgs;
  web_overview: typeof args.webOverviewArgs;
  pages: typeof args.pagesArgs;
  entry_pages: typeof args.entryPagesArgs;
  exit_pages: typeof args.exitPagesArgs;
  sources: typeof args.sourcesArgs;
  devices: typeof args.devicesArgs;
  countries: typeof args.countriesArgs;
  bots: typeof args.botsArgs;
  retention: typeof args.retentionArgs;
}

interface QueryResults {
  dashboard: DashboardResult;
  insights: InsightsResult;
  insight_groups: InsightGroupsResult;
  journeys: JourneysResult;
  interventions: InterventionsResult;
  friction: FrictionResult;
  overview: OverviewResult;
  timeseries: TimeseriesResult;
  top_events: TopEventsResult;
  funnel: FunnelResult;
  drop_offs: DropOffsResult;
  user_flow: UserFlowResult;
  performance: PerformanceResult;
  sessions: SessionsResult;
  session_timeline: SessionTimelineResult;
  web_overview: WebOverviewResult;
  pages: PagesResult;
  entry_pages: PagesResult;
  exit_pages: PagesResult;
  sources: SourcesResult;
  devices: DevicesResult;
  countries: CountriesResult;
  bots: BotsResult;
  retention: RetentionResult;
}

/** Per query: `args`, what a caller may send (defaults optional); `result`, what it answers. */
export type QueryMap = {
  [N in keyof QueryArgSchemas]: { args: z.input<QueryArgSchemas[N]>; result: QueryResults[N] };
};
export type QueryName = keyof QueryMap;
export type QueryArgs<N extends QueryName> = QueryMap[N]['args'];
export type QueryResult<N extends QueryName> = QueryMap[N]['result'];
/** A query's arguments after validation: defaults filled in. What the server's `run` gets. */
export type ParsedQueryArgs<N extends QueryName> = z.output<QueryArgSchemas[N]>;

/** Every query name, at run time (the server's registry is tested against it). */
export const QUERY_NAMES = [
  'dashboard',
  'insights',
  'insight_groups',
  'journeys',
  'interventions',
  'friction',
  'overview',
  'timeseries',
  'top_events',
  'funnel',
  'drop_offs',
  'user_flow',
  'performance',
  'sessions',
  'session_timeline',
  'web_overview',
  'pages',
  'entry_pages',
  'exit_pages',
  'sources',
  'devices',
  'countries',
  'bots',
  'retention',
] as const satisfies readonly QueryName[];

type Assert<T extends true> = T;
/** Fails to compile when QUERY_NAMES misses a name of QueryMap. */
export type QueryNamesComplete = Assert<
  [Exclude<QueryName, (typeof QUERY_NAMES)[number]>] extends [never] ? true : false
>;
