import { useLiveQuery } from '@sightline/react';
import { Empty, Loading } from '../../components/states';
import { formatAgo, formatCount, formatDuration } from '../../format';
import type { TimeRange } from '../../time-range';

export type SessionFilter = 'all' | 'errors' | 'at_risk';

interface SessionListProps {
  range: TimeRange;
  filter: SessionFilter;
  selected: string | null;
  onSelect(sessionId: string): void;
}

const FILTER_ARGS: Record<SessionFilter, object> = {
  all: {},
  errors: { has_error: true },
  at_risk: { at_risk: true },
};

/** Sessions active in the range, most recently active first. */
export function SessionList({ range, filter, selected, onSelect }: SessionListProps) {
  const result = useLiveQuery('sessions', {
    time_range: range,
    limit: 100,
    ...FILTER_ARGS[filter],
  });
  if (!result) return <Loading height={240} />;
  if (result.sessions.length === 0) return <Empty height={200}>No sessions match in this range.</Empty>;
  const now = Date.now();
  return (
    <div className="table-wrap">
      <table className="table table-click" data-testid="session-list">
        <thead>
          <tr>
            <th>Session</th>
            <th className="num">Events</th>
            <th className="num hide-narrow">Length</th>
            <th className="num hide-narrow">Friction</th>
            <th>Last seen</th>
          </tr>
        </thead>
        <tbody>
          {result.sessions.map((s) => (
            <tr
              key={s.session_id}
              className={s.session_id === selected ? 'selected' : ''}
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
              <td className="nowrap">{formatAgo(s.last_seen, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
