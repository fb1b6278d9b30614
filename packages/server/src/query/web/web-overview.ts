import {
  WEB_OVERVIEW_FIGURES,
  type WebOverviewChange,
  type WebOverviewFigures,
  type WebOverviewResult,
  webOverviewArgs,
} from '@sightline/schema';
import { defineQuery } from '../registry.js';
import { loadPeriodOverviews, type PeriodOverview } from './overview-figures.js';
import { rangeAndPrevious, readPeriods, type TimeBounds } from './periods.js';

/** Each figure's relative change; null where the previous value is 0 (no finite change). */
export function changeOf(current: WebOverviewFigures, previous: WebOverviewFigures): WebOverviewChange {
  const change = {} as WebOverviewChange;
  for (const key of WEB_OVERVIEW_FIGURES) {
    change[key] = previous[key] === 0 ? null : current[key] / previous[key] - 1;
  }
  return change;
}

/**
 * Visitors, sessions, page views, views per session, bounce rate and session duration of the
 * range, the same of the period of equal length just before it, their changes and a sparkline of
 * each (docs/SEMANTICS.md, Web analytics). Takes the common filters (query/filters.ts).
 */
export const webOverviewQuery = defineQuery({
  name: 'web_overview',
  reads: ['events'],
  args: webOverviewArgs,
  async run(ctx, args): Promise<WebOverviewResult> {
    const ranges = rangeAndPrevious(args.time_range, ctx.now);
    const periods = await readPeriods(ctx, ranges);
    const [current, previous] = (await loadPeriodOverviews(ctx, periods, args.filters)) as [
      PeriodOverview,
      PeriodOverview,
    ];
    const [range, previousRange] = ranges as [TimeBounds, TimeBounds];
    return {
      ...current.figures,
      range,
      previous_range: previousRange,
      previous: previous.figures,
      change: changeOf(current.figures, previous.figures),
      series: { bucket_ms: current.bucket_ms, current: current.points, previous: previous.points },
    };
  },
});
