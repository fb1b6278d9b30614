import { useLiveQuery } from '@sightline/react';
import type { Insight, InsightStatus } from '../api/types';
import { Panel } from '../components/panel';
import { Segmented } from '../components/segmented';
import { Empty, Loading } from '../components/states';
import { formatCount, humanize } from '../format';
import { useUrlParams } from '../url-state';
import { useRange } from '../use-range';
import { InsightCard } from './insights/insight-card';
import { useStatusOverrides } from './insights/use-status-overrides';

const FILTERS: ReadonlyArray<{ value: InsightStatus | 'all'; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
];

/** How often each risk factor (or, without one, insight type) occurs, most first. */
function countFactors(insights: readonly Insight[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const insight of insights)
    for (const factor of insight.data.risk_factors?.length
      ? insight.data.risk_factors
      : [insight.insight_type])
      counts.set(factor, (counts.get(factor) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The processor's insights as they are written, newest first, with acknowledge / resolve. */
export function InsightsView() {
  const range = useRange();
  const [params, setParams] = useUrlParams();
  const filter = (FILTERS.find((f) => f.value === params.get('status'))?.value ?? 'all') as
    | InsightStatus
    | 'all';
  const result = useLiveQuery('insights', { time_range: range, limit: 200 });
  const { apply, change, busy, error } = useStatusOverrides();
  const insights = result ? apply(result.insights) : undefined;
  const shown = insights?.filter((i) => filter === 'all' || i.status === filter);
  const openCount = insights?.filter((i) => i.status === 'open').length ?? 0;
  const byFactor = countFactors(shown ?? []);

  return (
    <Panel
      title="Live feed"
      testId="insights-feed"
      hint={insights ? `${formatCount(insights.length)} insights, ${formatCount(openCount)} open` : undefined}
      actions={
        <Segmented
          small
          legend="Status"
          options={FILTERS}
          value={filter}
          onChange={(value) => setParams({ status: value === 'all' ? null : value }, true)}
        />
      }
    >
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {byFactor.length > 0 ? (
        <ul className="friction-tags factor-summary" aria-label="Insights by risk factor">
          {byFactor.map(([factor, count]) => (
            <li key={factor} className="pill pill-accent">
              {humanize(factor)} {formatCount(count)}
            </li>
          ))}
        </ul>
      ) : null}
      {!shown ? (
        <Loading height={200} />
      ) : shown.length === 0 ? (
        <Empty height={200}>
          No {filter === 'all' ? '' : `${filter} `}insights in this range. Rage clicks, errors, slow pages and
          stalled uploads show up here the moment they happen.
        </Empty>
      ) : (
        <div className="insight-list">
          {shown.map((insight) => (
            <InsightCard
              key={insight.id}
              insight={insight}
              busy={busy.has(insight.id)}
              onStatus={(status) => void change(insight.id, status)}
            />
          ))}
        </div>
      )}
    </Panel>
  );
}
