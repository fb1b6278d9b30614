import { useLiveQuery } from '@sightline/react';
import { Panel } from '../components/panel';
import { Stat } from '../components/stat';
import { Loading } from '../components/states';
import { formatCount, formatDecimal, formatPercent } from '../format';
import { describeRange } from '../time-range';
import { useRange } from '../use-range';
import { EventsOverTime } from './overview/events-over-time';
import { TopEventsChart } from './overview/top-events-chart';
import { funnelLabel, SettingsLink } from './settings/settings-link';

/**
 * The four headline numbers (Total Events, Unique Sessions, Avg Events/Session, Conversion Rate), events over time and the top events. The
 * conversion rate is over the project's key funnel; without one it says how to set it.
 */
export function OverviewView() {
  const range = useRange();
  const overview = useLiveQuery('overview', { time_range: range });
  return (
    <div className="stack">
      <section className="stats" aria-label="Key metrics">
        {overview ? (
          <>
            <Stat
              testId="stat-total-events"
              label="Total Events"
              value={formatCount(overview.total_events)}
            />
            <Stat
              testId="stat-unique-sessions"
              label="Unique Sessions"
              value={formatCount(overview.unique_sessions)}
              detail={`${formatCount(overview.unique_users)} users`}
            />
            <Stat
              testId="stat-avg-events"
              label="Avg Events/Session"
              value={formatDecimal(overview.avg_events_per_session)}
            />
            {overview.key_funnel && overview.conversion_rate !== null ? (
              <Stat
                testId="stat-conversion"
                label="Conversion Rate"
                value={formatPercent(overview.conversion_rate)}
                detail={funnelLabel(overview.key_funnel.steps)}
              />
            ) : (
              <Stat
                testId="stat-conversion"
                label="Conversion Rate"
                value="—"
                detail={<SettingsLink>Set your key funnel</SettingsLink>}
              />
            )}
          </>
        ) : (
          <Loading label="Loading metrics…" />
        )}
      </section>
      <div className="grid-2">
        <Panel title="Events over time" hint={`Events and sessions, ${describeRange(range)}`}>
          <EventsOverTime range={range} />
        </Panel>
        <Panel title="Top events" hint="Most common event names">
          <TopEventsChart range={range} />
        </Panel>
      </div>
    </div>
  );
}
