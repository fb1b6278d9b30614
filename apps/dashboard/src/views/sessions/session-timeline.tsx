import { useLiveQuery } from '@sightline/react';
import type { SessionClient, TimelineIntervention } from '@sightline/schema/query-results';
import type { Insight, TimelineEvent } from '../../api/types';
import { Empty, Loading } from '../../components/states';
import { formatCount, formatDuration, formatTime } from '../../format';
import { EventRow, InsightRow, InterventionRow } from './timeline-rows';
import './session-timeline.css';

type Entry =
  | { kind: 'event'; at: number; event: TimelineEvent }
  | { kind: 'insight'; at: number; insight: Insight }
  | { kind: 'intervention'; at: number; intervention: TimelineIntervention };

/** At one moment: the event first, then what the processor made of it. */
const KIND_ORDER: Record<Entry['kind'], number> = { event: 0, insight: 1, intervention: 2 };

const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;

/** Browser, OS, device class and screen, once for the session. */
function ClientLine({ client }: { client: SessionClient | null }) {
  const parts = client ? [client.browser, client.os, client.device, client.screen].filter(Boolean) : [];
  if (parts.length === 0) return null;
  return (
    <ul className="timeline-client" data-testid="timeline-client" aria-label="Device">
      {parts.map((part) => (
        <li key={part} className="pill">
          {part}
        </li>
      ))}
    </ul>
  );
}

/**
 * One session in order: its events with what happened in each, the processor's insights and
 * interventions placed at the moment they refer to, and the device once at the top.
 */
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
    ...timeline.interventions.map(
      (intervention): Entry => ({ kind: 'intervention', at: intervention.at, intervention }),
    ),
  ].sort((a, b) => a.at - b.at || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const extras = [
    timeline.insights.length > 0 ? plural(timeline.insights.length, 'insight') : null,
    timeline.interventions.length > 0 ? plural(timeline.interventions.length, 'intervention') : null,
  ].filter(Boolean);

  return (
    <div data-testid="session-timeline">
      <div className="timeline-summary">
        <p className="muted">
          {plural(timeline.events.length, 'event')} over {formatDuration(end - start)}, started{' '}
          {formatTime(start)}
          {extras.length > 0 ? `; ${extras.join(', ')}` : ''}
        </p>
        <ClientLine client={timeline.client} />
      </div>
      <ol className="timeline">
        {entries.map((entry) => {
          const offset = entry.at - start;
          if (entry.kind === 'event')
            return <EventRow key={entry.event.uuid} event={entry.event} offset={offset} />;
          if (entry.kind === 'insight')
            return <InsightRow key={`insight-${entry.insight.id}`} insight={entry.insight} offset={offset} />;
          return (
            <InterventionRow
              key={`intervention-${entry.intervention.id}`}
              intervention={entry.intervention}
              offset={offset}
              start={start}
            />
          );
        })}
      </ol>
    </div>
  );
}
