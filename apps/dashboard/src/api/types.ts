/**
 * The server's query results are declared once in @sightline/schema (its query map, QueryMap):
 * `useLiveQuery(name, args)` returns them typed, so a change of a result on the server fails the
 * dashboard's typecheck until the views follow. This file only names the parts views take apart,
 * with type-only imports (and the zod-free list of metrics) so zod stays out of the bundle.
 */
export type {
  FrictionFactorId as FrictionKind,
  FunnelStepResult as FunnelStep,
  InsightStatus,
  InsightView as Insight,
  InterventionGroup,
  JourneySummary,
  PerformanceMetric,
  Quantiles as Percentiles,
  TimelineEvent,
  TimeseriesInterval,
} from '@sightline/schema/query-results';
export { PERFORMANCE_METRICS } from '@sightline/schema/query-results';
