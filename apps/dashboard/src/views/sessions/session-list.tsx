import { Empty, Loading } from '../../components/states';
import { formatAgo, formatCount, formatDuration } from '../../format';
import type { SessionListArgs } from './session-params';
import { SESSIONS_PAGE_SIZE, useSessionPages } from './use-session-pages';
import './session-list.css';

interface SessionListProps {
  args: SessionListArgs;
  selected: string | null;
  onSelect(sessionId: string): void;
}

/**
 * The sessions matching the search and filters, in the chosen order, with their total; "Load more"
 * appends the next page. The chosen session stays highlighted while live updates reorder the rows.
 */
export function SessionList({ args, selected, onSelect }: SessionListProps) {
  const list = useSessionPages(args);
  if (!list.head) return <Loading height={240} />;
  const total = list.head.total;
  const started = args.sort === 'first_seen';
  const now = Date.now();
  return (
    <div className="session-list">
      <p className="session-total" data-testid="session-total" data-total={total}>
        <strong>{formatCount(total)}</strong> {total === 1 ? 'session' : 'sessions'}
        {list.rows.length < total ? (
          <span className="muted"> · showing {formatCount(list.rows.length)}</span>
        ) : null}
      </p>
      {list.rows.length === 0 ? (
        <Empty height={160}>No sessions match in this range.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table table-click" data-testid="session-list">
            <thead>
              <tr>
                <th>Session</th>
                <th className="num">Events</th>
                <th className="num hide-narrow">Length</th>
                <th className="num hide-narrow">Friction</th>
                <th>{started ? 'Started' : 'Last seen'}</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((s) => (
                <tr
                  key={s.session_id}
                  className={s.session_id === selected ? 'selected' : ''}
                  aria-selected={s.session_id === selected}
                  data-session-id={s.session_id}
                  onClick={() => onSelect(s.session_id)}
                >
                  <td>
                    <button type="button" className="link mono truncate" title={s.session_id}>
                      {s.session_id}
                    </button>
                    <div className="row-tags">
                      <span className="muted truncate">{s.distinct_id}</span>
                      {s.has_error ? <span className="pill pill-bad">error</span> : null}
                      {s.at_risk ? <span className="pill pill-warn">at risk</span> : null}
                    </div>
                  </td>
                  <td className="num">{formatCount(s.event_count)}</td>
                  <td className="num hide-narrow">{formatDuration(s.last_seen - s.first_seen)}</td>
                  <td className="num hide-narrow">
                    {s.friction_score > 0 ? formatCount(s.friction_score) : '—'}
                  </td>
                  <td className="nowrap">{formatAgo(started ? s.first_seen : s.last_seen, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.canLoadMore || list.loadingMore ? (
        <button
          type="button"
          className="button session-more-button"
          onClick={list.loadMore}
          disabled={list.loadingMore}
          aria-busy={list.loadingMore}
          data-testid="session-load-more"
        >
          {list.loadingMore ? 'Loading…' : `Load ${formatCount(SESSIONS_PAGE_SIZE)} more`}
        </button>
      ) : null}
    </div>
  );
}
