import { formatCount } from '../../format';
import { InsightCard } from './insight-card';
import type { usePagedInsights } from './use-paged-insights';
import { useStatusOverrides } from './use-status-overrides';

/** The insights themselves, newest first, a page at a time: each with its session and status. */
export function InsightFeed({ list }: { list: ReturnType<typeof usePagedInsights> }) {
  const { apply, change, busy, error } = useStatusOverrides();
  const insights = apply(list.insights ?? []);
  return (
    <>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="insight-list">
        {insights.map((insight) => (
          <InsightCard
            key={insight.id}
            insight={insight}
            busy={busy.has(insight.id)}
            onStatus={(status) => void change(insight.id, status)}
          />
        ))}
      </div>
      <footer className="feed-foot">
        <span className="muted" data-testid="insights-shown">
          Showing {formatCount(insights.length)} of {formatCount(list.head?.total)}
        </span>
        {list.error ? <span className="form-error">{list.error}</span> : null}
        {list.hasMore ? (
          <button
            type="button"
            className="button button-small"
            data-testid="insights-load-more"
            disabled={list.loading}
            onClick={list.loadMore}
          >
            {list.loading ? 'Loading…' : 'Load more'}
          </button>
        ) : null}
      </footer>
    </>
  );
}
