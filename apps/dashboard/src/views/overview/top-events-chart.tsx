import { useLiveQuery } from '@sightline/react';
import type { TopEventsResult } from '@sightline/schema/query-results';
import { useMemo } from 'react';
import { Chart } from '../../charts/chart';
import { tooltipHtml } from '../../charts/escape';
import { AXIS_LABEL, COLORS, COUNT_AXIS, TOOLTIP_BASE } from '../../charts/theme';
import { wrapName } from '../../charts/wrap-name';
import { Empty, Loading } from '../../components/states';
import { formatCount, formatPercent } from '../../format';
import type { TimeRange } from '../../time-range';

/** A bar's data item: its count, with its share of the ten for the tooltip. */
interface TopEventDatum {
  value: number;
  share: number;
}

/** The full name (the axis may shorten it) and its numbers, all from the hovered bar. */
const tooltip = ({ name, data }: { name: string; data: TopEventDatum }) =>
  tooltipHtml(name, [
    ['Events', formatCount(data.value)],
    ['Share of top 10', formatPercent(data.share)],
  ]);

/** Characters of an 11 px label that fit the axis's 140 px. */
const NAME_CHARS_PER_LINE = 22;
/** Up to two lines of a name beside its bar; longer names end in "…" (the tooltip has them whole). */
const axisName = (name: string) => wrapName(name, NAME_CHARS_PER_LINE, 2);

/** The event names as horizontal bars, most common on top. */
export function topEventsOption(top: TopEventsResult) {
  const events = [...top.events].reverse();
  const total = top.events.reduce((sum, e) => sum + e.count, 0);
  return {
    grid: { left: 8, right: 48, top: 4, bottom: 4, containLabel: true },
    tooltip: { ...TOOLTIP_BASE, trigger: 'item', formatter: tooltip },
    xAxis: COUNT_AXIS,
    yAxis: {
      type: 'category',
      data: events.map((e) => e.name),
      axisLabel: { ...AXIS_LABEL, formatter: axisName, width: 140, overflow: 'truncate' },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: COLORS.grid } },
    },
    series: [
      {
        name: 'Events',
        type: 'bar',
        data: events.map((e): TopEventDatum => ({ value: e.count, share: e.count / Math.max(total, 1) })),
        barMaxWidth: 18,
        itemStyle: { color: COLORS.accent, borderRadius: [0, 4, 4, 0] },
        label: { show: true, position: 'right', color: COLORS.muted, fontSize: 11, formatter: '{c}' },
      },
    ],
  };
}

/** Room per bar: two lines of a wrapped name fit beside it. */
const ROW_HEIGHT = 32;

/** The ten most common event names as horizontal bars, most common on top. */
export function TopEventsChart({ range }: { range: TimeRange }) {
  const top = useLiveQuery('top_events', { time_range: range, limit: 10 });
  const option = useMemo(() => (top ? topEventsOption(top) : null), [top]);

  if (!top || !option) return <Loading height={280} />;
  if (top.events.length === 0) return <Empty height={280}>No events yet.</Empty>;
  return <Chart option={option} height={Math.max(220, top.events.length * ROW_HEIGHT)} label="Top events" />;
}
