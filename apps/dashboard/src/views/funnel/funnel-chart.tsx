import { useMemo } from 'react';
import type { FunnelStep } from '../../api/types';
import { Chart } from '../../charts/chart';
import { tooltipHtml } from '../../charts/escape';
import { AXIS_LABEL, COLORS, COUNT_AXIS, TOOLTIP_BASE } from '../../charts/theme';
import { formatCount, formatDuration, formatPercent } from '../../format';

/** One bar per step (units that reached it), labelled with the conversion from the first step. */
export function FunnelChart({ steps, unitLabel }: { steps: FunnelStep[]; unitLabel: string }) {
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        ...TOOLTIP_BASE,
        trigger: 'item',
        formatter: ({ dataIndex }: { dataIndex: number }) => {
          const s = steps[dataIndex];
          if (!s) return '';
          return tooltipHtml(`${dataIndex + 1}. ${s.step}`, [
            [unitLabel, formatCount(s.count)],
            ['From first step', formatPercent(s.conversion_from_first)],
            ['From previous step', formatPercent(s.conversion_from_previous)],
            ['Drop-off', formatPercent(s.drop_off)],
            ['Median time to convert', formatDuration(s.median_time_to_convert_ms)],
            ['p95 time to convert', formatDuration(s.p95_time_to_convert_ms)],
          ]);
        },
      },
      // Horizontal bars, first step on top: reads as a funnel and step names fit at phone width.
      xAxis: COUNT_AXIS,
      yAxis: {
        type: 'category',
        inverse: true,
        data: steps.map((s, i) => `${i + 1}. ${s.step}`),
        axisLabel: { ...AXIS_LABEL, width: 130, overflow: 'truncate' },
        axisTick: { show: false },
        axisLine: { lineStyle: { color: COLORS.grid } },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 28,
          data: steps.map((s, i) => ({
            value: s.count,
            itemStyle: { color: i === 0 ? COLORS.accent : s.drop_off > 0.3 ? COLORS.warn : COLORS.accent },
          })),
          itemStyle: { borderRadius: [0, 4, 4, 0] },
          label: {
            show: true,
            position: 'right',
            color: COLORS.text,
            fontSize: 11,
            // Canvas text, not HTML: the value is our own formatted number.
            formatter: ({ dataIndex }: { dataIndex: number }) =>
              formatPercent(steps[dataIndex]?.conversion_from_first ?? 0),
          },
        },
      ],
    }),
    [steps, unitLabel],
  );
  return <Chart option={option} height={Math.max(160, steps.length * 44 + 40)} label="Funnel steps" />;
}
