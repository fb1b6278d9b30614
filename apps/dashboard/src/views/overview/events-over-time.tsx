import { useLiveQuery } from '@sightline/react';
import { useMemo } from 'react';
import type { TimeseriesInterval } from '../../api/types';
import { Chart } from '../../charts/chart';
import { tooltipHtml } from '../../charts/escape';
import { AXIS_LABEL, COLORS, COUNT_AXIS, TOOLTIP_BASE } from '../../charts/theme';
import { Empty, Loading } from '../../components/states';
import { formatCount } from '../../format';
import { intervalFor, type TimeRange } from '../../time-range';

const bucketLabel = (t: number, interval: TimeseriesInterval) =>
  new Date(t).toLocaleString('en-US', {
    month: interval === 'minute' ? undefined : 'short',
    day: interval === 'minute' ? undefined : 'numeric',
    hour: interval === 'day' ? undefined : '2-digit',
    minute: interval === 'day' ? undefined : '2-digit',
    hour12: false,
  });

/** Events and unique sessions per bucket (minute / hour / day, by the range's length). */
export function EventsOverTime({ range }: { range: TimeRange }) {
  const series = useLiveQuery('timeseries', { time_range: range, interval: intervalFor(range) });
  const option = useMemo(() => {
    if (!series) return null;
    const labels = series.points.map((p) => bucketLabel(p.t, series.interval));
    return {
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, right: 0, textStyle: { color: COLORS.muted }, itemWidth: 12, itemHeight: 8 },
      tooltip: {
        ...TOOLTIP_BASE,
        trigger: 'axis',
        formatter: (items: Array<{ dataIndex: number }>) => {
          const point = series.points[items[0]?.dataIndex ?? 0];
          if (!point) return '';
          return tooltipHtml(labels[items[0]!.dataIndex] ?? '', [
            ['Events', formatCount(point.events)],
            ['Sessions', formatCount(point.sessions)],
          ]);
        },
      },
      xAxis: {
        type: 'category',
        data: labels,
        axisLabel: AXIS_LABEL,
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
          lineStyle: { color: '#0ea5e9', width: 2 },
          itemStyle: { color: '#0ea5e9' },
        },
      ],
    };
  }, [series]);

  if (!series || !option) return <Loading height={280} />;
  if (series.points.every((p) => p.events === 0))
    return <Empty height={280}>No events in this range yet. Send some and they appear here live.</Empty>;
  return <Chart option={option} label="Events over time" />;
}
