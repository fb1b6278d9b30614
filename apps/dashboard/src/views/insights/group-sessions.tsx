import { formatCount, formatDateTime } from '../../format';
import type { TimeRange } from '../../time-range';
import { updateParams } from '../../url-state';
import { usePagedInsights } from './use-paged-insights';

/** Rows per page of a group's drill-down. */
const PAGE = 20;

/** The insights of one problem group, newest first: which sessions met it, and when. */
export function GroupSessions({ problem, range }: { problem: string; range: TimeRange }) {
  const list = usePagedInsights({ time_range: range, problem }, PAGE);
  if (!list.insights) return <p className="muted group-sessions">Loading sessions…</p>;
  return (
    <div className="group-sessions" data-testid="group-sessions">
      <ul>
        {list.insights.map((insight) => (
          <li key={insight.id} data-testid="group-session">
            <button
              type="button"
              className="link mono"
              title="Open this session's timeline"
              onClick={() => updateParams({ view: 'sessions', session: insight.session_id })}
            >
              {insight.session_id}
            </button>
            <span className="muted">{formatDateTime(insight.generated_at)}</span>
            <span className={`status status-${insight.status}`}>{insight.status}</span>
          </li>
        ))}
      </ul>
      <footer className="group-sessions-foot">
        <span className="muted">
          {formatCount(list.insights.length)} of {formatCount(list.head?.total)}
        </span>
        {list.error ? <span className="form-error">{list.error}</span> : null}
        {list.hasMore ? (
          <button
            type="button"
            className="button button-small"
            disabled={list.loading}
            onClick={list.loadMore}
          >
            {list.loading ? 'Loading…' : 'Load more'}
          </button>
        ) : null}
      </footer>
    </div>
  );
}
