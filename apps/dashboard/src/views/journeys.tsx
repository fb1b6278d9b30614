import { useLiveQuery } from '@sightline/react';
import { useMemo } from 'react';
import type { JourneySummary } from '../api/types';
import { Chart } from '../charts/chart';
import { tooltipHtml } from '../charts/escape';
import { AXIS_LABEL, COLORS, COUNT_AXIS, TOOLTIP_BASE } from '../charts/theme';
import { Panel } from '../components/panel';
import { Stat } from '../components/stat';
import { Empty, Loading } from '../components/states';
import { formatCount, formatDuration, formatPercent, humanize } from '../format';
import { useRange } from '../use-range';

/** Per step: journeys that reached it and journeys abandoned there. */
function StepChart({ journey }: { journey: JourneySummary }) {
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, right: 0, textStyle: { color: COLORS.muted } },
      tooltip: {
        ...TOOLTIP_BASE,
        trigger: 'axis',
        formatter: (items: Array<{ dataIndex: number }>) => {
          const s = journey.steps[items[0]?.dataIndex ?? -1];
          return s
            ? tooltipHtml(s.step, [
                ['Reached', formatCount(s.reached)],
                ['Of started', formatPercent(journey.started > 0 ? s.reached / journey.started : null)],
                ['Abandoned here', formatCount(s.abandoned)],
                ['Median time from previous', formatDuration(s.median_duration_ms)],
              ])
            : '';
        },
      },
      xAxis: {
        type: 'category',
        data: journey.steps.map((s) => s.step),
        axisLabel: { ...AXIS_LABEL, interval: 0, width: 90, overflow: 'truncate' },
      },
      yAxis: COUNT_AXIS,
      series: [
        {
          name: 'Reached',
          type: 'bar',
          data: journey.steps.map((s) => s.reached),
          itemStyle: { color: COLORS.accent },
        },
        {
          name: 'Abandoned here',
          type: 'bar',
          data: journey.steps.map((s) => s.abandoned),
          itemStyle: { color: COLORS.bad },
        },
      ],
    }),
    [journey],
  );
  return <Chart option={option} height={240} label={`Steps of ${journey.journey_name}`} />;
}

function JourneyPanel({ journey }: { journey: JourneySummary }) {
  return (
    <Panel title={journey.journey_name} testId="journey" hint="Journeys by their start time">
      <div className="stats stats-compact">
        <Stat label="Completion rate" value={formatPercent(journey.completion_rate)} />
        <Stat label="Started" value={formatCount(journey.started)} />
        <Stat label="Completed" value={formatCount(journey.completed)} />
        <Stat
          label="Abandoned"
          value={formatCount(journey.abandoned)}
          detail={`${formatCount(journey.active)} active`}
        />
        <Stat label="Median duration" value={formatDuration(journey.median_duration_ms)} />
      </div>
      {journey.steps.length > 0 ? <StepChart journey={journey} /> : null}
      {journey.abandon_reasons.length > 0 ? (
        <p className="muted">
          Abandoned because:{' '}
          {journey.abandon_reasons.map((r) => `${humanize(r.reason)} (${formatCount(r.count)})`).join(', ')}
        </p>
      ) : null}
    </Panel>
  );
}

/** Journey completion rates and where each journey is abandoned. */
export function JourneysView() {
  const range = useRange();
  const result = useLiveQuery('journeys', { time_range: range });
  if (!result) return <Loading height={240} />;
  if (result.journeys.length === 0)
    return (
      <Panel title="Journeys">
        <Empty height={200}>
          No journeys started in this range. Pages start them with useUserJourney or journey_started events.
        </Empty>
      </Panel>
    );
  return (
    <div className="grid-2">
      {result.journeys.map((j) => (
        <JourneyPanel key={j.journey_name} journey={j} />
      ))}
    </div>
  );
}
