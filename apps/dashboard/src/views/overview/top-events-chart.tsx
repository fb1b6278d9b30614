import { useLiveQuery } from '@sightline/react';
import { useMemo } from 'react';
import { Chart } from '../../charts/chart';
import { tooltipHtml } from '../../charts/escape';
import { AXIS_LABEL, COLORS, COUNT_AXIS, TOOLTIP_BASE } from '../../charts/theme';
import { Empty, Loading } from '../../components/states';
import { formatCount } from '../../format';
import type { TimeRange } from '../../time-range';

/** The ten most common event names as horizontal bars, most common on top. */
export function TopEventsChart({ range }: { range: TimeRange }) {
  const top = useLiveQuery('top_events', { time_range: range, limit: 10 });
  const option = useMemo(() => {
    if (!top) return null;
    const events = [...top.events].reverse();
    const total = top.events.reduce((sum, e) => sum + e.count, 0);
    return {
      grid: { left: 8, right: 48, top: 4, bottom: 4, containLabel: true },
      tooltip: {
        ...TOOLTIP_BASE,
        trigger: 'item',
        formatter: ({ dataIndex }: { dataIndex: number }) => {
          const e = events[dataIndex];
          return e
            ? tooltipHtml(e.name, [
                ['Events', formatCount(e.count)],
                ['Share of top 10', `${((e.count / Math.max(total, 1)) * 100).toFixed(1)}%`],
              ])
            : '';
        },
      },
      xAxis: COUNT_AXIS,
      yAxis: {
        type: 'category',
        data: events.map((e) => e.name),
        axisLabel: { ...AXIS_LABEL, width: 140, overflow: 'truncate' },
        axisTick: { show: false },
        axisLine: { lineStyle: { color: COLORS.grid } },
      },
      series: [
        {
          type: 'bar',
          data: events.map((e) => e.count),
          barMaxWidth: 18,
          itemStyle: { color: COLORS.accent, borderRadius: [0, 4, 4, 0] },
          label: { show: true, position: 'right', color: COLORS.muted, fontSize: 11, formatter: '{c}' },
        },
      ],
    };
  }, [top]);

  if (!top || !option) return <Loading height={280} />;
  if (top.events.length === 0) return <Empty height={280}>No events yet.</Empty>;
  return <Chart option={option} height={Math.max(220, top.events.length * 30)} label="Top events" />;
}
