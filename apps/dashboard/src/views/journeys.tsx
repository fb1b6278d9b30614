import { useLiveQuery } from '@sightline/react';
import { useMemo } from 'react';
import type { JourneySummary } from '../api/types';
import { Chart } from '../charts/chart';
import { tooltipHtml } from '../charts/escape';
import { AXIS_LABEL, COLORS, COUNT_AXIS, TOOLTIP_BASE } from '../charts/theme';
import { wrapName } from '../charts/wrap-name';
import { Panel } from '../components/panel';
import { Stat } from '../components/stat';
import { Empty, Loading } from '../components/states';
import { formatCount, formatDuration, formatPercent, humanize } from '../format';
import { useRange } from '../use-range';

type JourneyStep = JourneySummary['steps'][number];

/** The "Reached" bar's data item: the step's numbers ride along for the tooltip. */
interface ReachedDatum {
  value: number;
  step: JourneyStep;
  started: number;
}

/** Characters of an 11 px step name per line within the axis's 120 px. */
const NAME_CHARS_PER_LINE = 18;
const stepName = (name: string) => wrapName(name, NAME_CHARS_PER_LINE);

const tooltip = (items: Array<{ data: ReachedDatum | number }>) => {
  const reached = items.find((item) => typeof item.data === 'object')?.data as ReachedDatum | undefined;
  if (!reached) return '';
  const s = reached.step;
  return tooltipHtml(s.step, [
    ['Reached', formatCount(s.reached)],
    ['Of started', formatPercent(reached.started > 0 ? s.reached / reached.started : null)],
    ['Abandoned here', formatCount(s.abandoned)],
    ['Median time from previous', formatDuration(s.median_duration_ms)],
  ]);
};

/**
 * Per step, top to bottom in journey order: journeys that reached it and journeys abandoned there.
 * Horizontal, so every step name is written out in full (wrapped) at any width and any number of
 * steps.
 */
export function journeyStepsOption(journey: JourneySummary) {
  return {
    grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, right: 0, textStyle: { color: COLORS.muted } },
    tooltip: { ...TOOLTIP_BASE, trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: tooltip },
    xAxis: COUNT_AXIS,
    yAxis: {
      type: 'category',
      inverse: true,
      data: journey.steps.map((s) => s.step),
      axisLabel: { ...AXIS_LABEL, formatter: stepName, interval: 0, width: 120, overflow: 'break' },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: COLORS.grid } },
    },
    series: [
      {
        name: 'Reached',
        type: 'bar',
        barMaxWidth: 16,
        data: journey.steps.map(
          (s): ReachedDatum => ({ value: s.reached, step: s, started: journey.started }),
        ),
        itemStyle: { color: COLORS.accent, borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: 'right', color: COLORS.muted, fontSize: 11 },
      },
      {
        name: 'Abandoned here',
        type: 'bar',
        barMaxWidth: 16,
        data: journey.steps.map((s) => s.abandoned),
        itemStyle: { color: COLORS.bad, borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: 'right', color: COLORS.muted, fontSize: 11 },
      },
    ],
  };
}

/** Room per step: its two bars, and up to three lines of its name. */
const ROW_HEIGHT = 56;
export const journeyChartHeight = (steps: number): number => Math.max(180, steps * ROW_HEIGHT + 48);

function StepChart({ journey }: { journey: JourneySummary }) {
  const option = useMemo(() => journeyStepsOption(journey), [journey]);
  return (
    <Chart
      option={option}
      height={journeyChartHeight(journey.steps.length)}
      label={`Steps of ${journey.journey_name}`}
    />
  );
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
