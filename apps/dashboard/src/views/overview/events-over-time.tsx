import { useLiveQuery } from '@sightline/react';
import type { TimeseriesResult } from '@sightline/schema/query-results';
import { useMemo } from 'react';
import type { TimeseriesInterval } from '../../api/types';
import { Chart } from '../../charts/chart';
import { tooltipHtml } from '../../charts/escape';
import { AXIS_LABEL, COLORS, COUNT_AXIS, TOOLTIP_BASE } from '../../charts/theme';
import { Empty, Loading } from '../../components/states';
import { formatCount } from '../../format';
import { intervalFor, type TimeRange } from '../../time-range';

const clock = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const day = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' });
const dayAndClock = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * Axis labels as short as the bucket allows, so several fit at phone width: "14:05" per minute,
 * "14:00" per hour with the date at midnight, "Dec 3" per day. The tooltip gives the full time.
 * The category values are bucket starts (ms, as text).
 */
const FORMATS: Record<TimeseriesInterval, { axis: (value: string) => string; title: (t: number) => string }> =
  {
    minute: { axis: (v) => clock.format(Number(v)), title: (t) => dayAndClock.format(t) },
    hour: {
      axis: (v) => {
        const t = Number(v);
        return new Date(t).getHours() === 0 ? day.format(t) : clock.format(t);
      },
      title: (t) => dayAndClock.format(t),
    },
    day: { axis: (v) => day.format(Number(v)), title: (t) => day.format(t) },
  };

type AxisTooltipItem = { axisValue: string; seriesName: string; value: number };

const TOOLTIPS = Object.fromEntries(
  (Object.keys(FORMATS) as TimeseriesInterval[]).map((interval) => [
    interval,
    (items: AxisTooltipItem[]) =>
      items.length === 0
        ? ''
        : tooltipHtml(
            FORMATS[interval].title(Number(items[0]!.axisValue)),
            items.map((item) => [item.seriesName, formatCount(item.value)] as const),
          ),
  ]),
) as Record<TimeseriesInterval, (items: AxisTooltipItem[]) => string>;

/** Events (bars, left axis) and unique sessions (line, right axis) per bucket. */
export function eventsOverTimeOption(series: TimeseriesResult) {
  return {
    grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0, right: 0, textStyle: { color: COLORS.muted }, itemWidth: 12, itemHeight: 8 },
    tooltip: { ...TOOLTIP_BASE, trigger: 'axis', formatter: TOOLTIPS[series.interval] },
    xAxis: {
      type: 'category',
      data: series.points.map((p) => String(p.t)),
      axisLabel: { ...AXIS_LABEL, formatter: FORMATS[series.interval].axis, hideOverlap: true },
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: [COUNT_AXIS, { ...COUNT_AXIS, splitLine: { show: false } }],
    series: [
      {
        // Bars: a bucket is a count, and sparse data stays readable (a line would draw slopes).
        name: 'Events',
        type: 'bar',
        data: series.points.map((p) => p.events),
        barMaxWidth: 14,
        itemStyle: { color: COLORS.accent, borderRadius: [3, 3, 0, 0] },
      },
      {
        name: 'Sessions',
        type: 'line',
        showSymbol: false,
        yAxisIndex: 1,
        data: series.points.map((p) => p.sessions),
        lineStyle: { color: COLORS.secondary, width: 2 },
        itemStyle: { color: COLORS.secondary },
      },
    ],
  };
}

/** Events and unique sessions per bucket (minute / hour / day, by the range's length). */
export function EventsOverTime({ range }: { range: TimeRange }) {
  const series = useLiveQuery('timeseries', { time_range: range, interval: intervalFor(range) });
  const option = useMemo(() => (series ? eventsOverTimeOption(series) : null), [series]);

  if (!series || !option) return <Loading height={280} />;
  if (series.points.every((p) => p.events === 0))
    return <Empty height={280}>No events in this range yet. Send some and they appear here live.</Empty>;
  return <Chart option={option} label="Events over time" />;
}
