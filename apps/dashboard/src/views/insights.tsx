import { useLiveQuery } from '@sightline/react';
import { INSIGHT_STATUSES } from '@sightline/schema/query-results';
import type { FrictionKind, InsightStatus } from '../api/types';
import { Panel } from '../components/panel';
import { Segmented } from '../components/segmented';
import { Empty, Loading } from '../components/states';
import { formatCount } from '../format';
import { useUrlParams } from '../url-state';
import { useRange } from '../use-range';
import { FilterChips } from './insights/filter-chips';
import { GroupList } from './insights/group-list';
import { InsightFeed } from './insights/insight-feed';
import { FACTORS, isOutcome } from './insights/labels';
import { OutcomeCounts } from './insights/outcomes';
import { usePagedInsights } from './insights/use-paged-insights';
import './insights/insights.css';

/** Problems listed at once: the ones most sessions met come first. */
const GROUPS_SHOWN = 50;
/** Insights per page of the feed: a screenful of cards. */
const FEED_PAGE = 25;

const STATUS_LABELS: Record<InsightStatus | 'all', string> = {
  all: 'All',
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

/**
 * Insights as decisions: the range's problems grouped (same kind of friction on the same page),
 * each acknowledged or resolved as a whole, with the sessions behind it; outcomes (journeys
 * completed) as counts; and the latest insights one by one. Every count comes from the server
 * over the whole range, and the chips and status filter apply to both lists.
 */
export function InsightsView() {
  const range = useRange();
  const [params, setParams] = useUrlParams();
  const status = INSIGHT_STATUSES.find((s) => s === params.get('status')) ?? null;
  const factor = FACTORS.find((f) => f === params.get('factor')) ?? null;
  const type = params.get('type') || null;
  const filters = {
    time_range: range,
    ...(status ? { status } : {}),
    ...(factor ? { factor } : {}),
    ...(type ? { insight_type: type } : {}),
  };
  const groups = useLiveQuery('insight_groups', { ...filters, limit: GROUPS_SHOWN });
  // The feed lists problems; outcomes only when their type is asked for.
  const list = usePagedInsights(
    { ...filters, kind: type && isOutcome(type) ? 'all' : 'problems' },
    FEED_PAGE,
  );
  const counts = list.head?.counts;
  const statusOptions = (['all', ...INSIGHT_STATUSES] as const).map((value) => ({
    value,
    label: counts
      ? `${STATUS_LABELS[value]} ${formatCount(
          value === 'all'
            ? Object.values(counts.by_status).reduce((a, b) => a + b, 0)
            : counts.by_status[value],
        )}`
      : STATUS_LABELS[value],
  }));

  return (
    <div className="insights-view">
      {groups ? <OutcomeCounts outcomes={groups.outcomes} /> : null}
      <Panel
        title="Problems"
        testId="insight-groups"
        hint={
          groups ? (
            <span data-testid="groups-total" data-count={groups.total_groups}>
              {formatCount(groups.total_groups)} {groups.total_groups === 1 ? 'problem' : 'problems'}: the
              same friction on the same page, most sessions first
            </span>
          ) : undefined
        }
        actions={
          <Segmented
            small
            legend="Status"
            options={statusOptions}
            value={status ?? 'all'}
            onChange={(value) => setParams({ status: value === 'all' ? null : value }, true)}
          />
        }
      >
        {counts ? (
          <FilterChips
            counts={counts}
            type={type}
            factor={factor}
            onType={(next) => setParams({ type: next }, true)}
            onFactor={(next: FrictionKind | null) => setParams({ factor: next }, true)}
          />
        ) : null}
        {!groups ? (
          <Loading height={160} />
        ) : groups.groups.length === 0 ? (
          <Empty height={160}>
            No {status ? `${status} ` : ''}problems in this range. Rage clicks, errors, slow pages and stalled
            uploads show up here the moment they happen, grouped by page.
          </Empty>
        ) : (
          <GroupList result={groups} range={range} />
        )}
      </Panel>
      <Panel
        title="Latest insights"
        testId="insights-feed"
        hint={
          list.head ? (
            <span data-testid="insights-total" data-count={list.head.total}>
              {formatCount(list.head.total)} in this range, newest first
            </span>
          ) : undefined
        }
      >
        {!list.insights ? (
          <Loading height={200} />
        ) : list.insights.length === 0 ? (
          <Empty height={120}>No insights match these filters in this range.</Empty>
        ) : (
          <InsightFeed list={list} />
        )}
      </Panel>
    </div>
  );
}
