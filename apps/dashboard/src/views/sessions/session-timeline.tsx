import { useLiveQuery } from '@sightline/react';
import type { Insight, TimelineEvent } from '../../api/types';
import { Empty, Loading } from '../../components/states';
import { formatCount, formatDuration, formatTime, humanize } from '../../format';

type Entry =
  | { kind: 'event'; at: number; event: TimelineEvent }
  | { kind: 'insight'; at: number; insight: Insight };

/** Properties in one line, for a glance; the full JSON is in the row's title. */
function summarize(properties: unknown): string {
  if (properties === null || typeof properties !== 'object') return String(properties ?? '');
  const entries = Object.entries(properties as Record<string, unknown>)
    .filter(([name]) => !['url', 'user_agent', '$current_url', '$raw_user_agent', 'referrer'].includes(name))
    .slice(0, 5)
    .map(([name, value]) => `${name}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  const line = entries.join('  ');
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

/** One session in order: its events, with the processor's insights placed at their event time. */
export function SessionTimelineView({ sessionId }: { sessionId: string }) {
  const timeline = useLiveQuery('session_timeline', {
    session_id: sessionId,
    time_range: '30d',
  });
  if (!timeline) return <Loading height={240} />;
  if (timeline.events.length === 0)
    return <Empty height={200}>No events stored for this session in 30 days.</Empty>;

  const start = timeline.events[0]!.timestamp;
  const end = timeline.events[timeline.events.length - 1]!.timestamp;
  const entries: Entry[] = [
    ...timeline.events.map((event): Entry => ({ kind: 'event', at: event.timestamp, event })),
    ...timeline.insights.map((insight): Entry => ({ kind: 'insight', at: insight.generated_at, insight })),
  ].sort((a, b) => a.at - b.at || (a.kind === 'event' ? -1 : 1));

  return (
    <div data-testid="session-timeline">
      <p className="muted timeline-summary">
        {formatCount(timeline.events.length)} events over {formatDuration(end - start)}, started{' '}
        {formatTime(start)}
        {timeline.insights.length > 0 ? `; ${timeline.insights.length} insight(s)` : ''}
      </p>
      <ol className="timeline">
        {entries.map((entry) =>
          entry.kind === 'event' ? (
            <li
              key={entry.event.uuid}
              className="timeline-item"
              title={JSON.stringify(entry.event.properties)}
            >
              <span className="timeline-offset">+{formatDuration(entry.at - start)}</span>
              <span className="timeline-dot" aria-hidden="true" />
              <div className="timeline-body">
                <span className="mono timeline-event" data-testid="timeline-event">
                  {entry.event.event}
                </span>
                {entry.event.path ? <span className="muted"> {entry.event.path}</span> : null}
                <div className="timeline-props mono">{summarize(entry.event.properties)}</div>
              </div>
            </li>
          ) : (
            <li key={`insight-${entry.insight.id}`} className="timeline-item timeline-insight">
              <span className="timeline-offset">+{formatDuration(entry.at - start)}</span>
              <span className="timeline-dot" aria-hidden="true" />
              <div className="timeline-body">
                <strong>{humanize(entry.insight.insight_type)}</strong>{' '}
                {(entry.insight.data.risk_factors ?? []).map((f) => (
                  <span key={f} className="pill pill-warn">
                    {humanize(f)}
                  </span>
                ))}
                <div className="timeline-props">
                  {(entry.insight.data.recommended_actions ?? []).join(' · ')}
                </div>
              </div>
            </li>
          ),
        )}
      </ol>
    </div>
  );
}
