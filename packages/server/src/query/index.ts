import { dashboardQuery } from './dashboard.js';
import { dropOffsQuery } from './drop-offs.js';
import { frictionQuery } from './friction.js';
import { funnelQuery } from './funnel/index.js';
import { insightGroupsQuery } from './insight-groups.js';
import { insightsQuery } from './insights.js';
import { interventionsQuery } from './interventions.js';
import { journeysQuery } from './journeys.js';
import { overviewQuery } from './overview.js';
import { performanceQuery } from './performance.js';
import type { QueryDefinition } from './registry.js';
import { sessionTimelineQuery } from './session-timeline.js';
import { sessionsQuery } from './sessions.js';
import { timeseriesQuery } from './timeseries.js';
import { topEventsQuery } from './top-events.js';
import { userFlowQuery } from './user-flow.js';
import { botsQuery } from './web/bots.js';
import { countriesQuery } from './web/countries.js';
import { devicesQuery } from './web/devices.js';
import { entryPagesQuery, exitPagesQuery, pagesQuery } from './web/pages.js';
import { retentionQuery } from './web/retention.js';
import { sourcesQuery } from './web/sources.js';
import { webOverviewQuery } from './web/web-overview.js';

/** Every query `POST /v1/query/<name>` and live subscriptions can run, by name. */
export const QUERIES: ReadonlyMap<string, QueryDefinition<unknown, unknown>> = new Map(
  [
    dashboardQuery,
    insightsQuery,
    insightGroupsQuery,
    journeysQuery,
    interventionsQuery,
    frictionQuery,
    overviewQuery,
    timeseriesQuery,
    topEventsQuery,
    funnelQuery,
    dropOffsQuery,
    userFlowQuery,
    performanceQuery,
    sessionsQuery,
    sessionTimelineQuery,
    webOverviewQuery,
    pagesQuery,
    entryPagesQuery,
    exitPagesQuery,
    sourcesQuery,
    devicesQuery,
    countriesQuery,
    botsQuery,
    retentionQuery,
  ].map((q) => [q.name, q as unknown as QueryDefinition<unknown, unknown>]),
);
