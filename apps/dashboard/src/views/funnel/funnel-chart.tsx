import { useMemo } from 'react';
import type { FunnelStep } from '../../api/types';
import { Chart } from '../../charts/chart';
import { tooltipHtml } from '../../charts/escape';
import { AXIS_LABEL, COLORS, TOOLTIP_BASE } from '../../charts/theme';
import { formatCount, formatDuration, formatPercent } from '../../format';
import { stepLabel } from './step-label';

/** A drop-off from the previous step above this share is drawn in the warning colour. */
export const HIGH_DROP_OFF = 0.3;

/** A bar's data item: its length is the conversion from the first step; the rest is for labels. */
interface StepDatum {
  value: number;
  position: number;
  step: FunnelStep;
  unit: string;
  itemStyle: { color: string };
  label: { position: 'insideRight' | 'right'; color: string };
}

/** Bars longer than this carry their label inside (white), so the chart needs no right margin for it. */
const LABEL_INSIDE_FROM = 0.6;

const tooltip = ({ data }: { data: StepDatum }) => {
  const s = data.step;
  return tooltipHtml(`${data.position}. ${stepLabel(s)}`, [
    [data.unit, formatCount(s.count)],
    ['From first step', formatPercent(s.conversion_from_first)],
    ['From previous step', formatPercent(s.conversion_from_previous)],
    ['Drop-off', formatPercent(s.drop_off)],
    ['Median time to convert', formatDuration(s.median_time_to_convert_ms)],
    ['p95 time to convert', formatDuration(s.p95_time_to_convert_ms)],
  ]);
};

/** In the axis's unit first (percent), then how many units that is. Canvas text, not HTML. */
const barLabel = ({ data }: { data: StepDatum }) =>
  `${formatPercent(data.value)} (${formatCount(data.step.count)})`;

/** 0–100 %, fixed: the first step always spans it, and the scale never jumps as counts grow. */
const PERCENT_AXIS = {
  type: 'value',
  min: 0,
  max: 1,
  interval: 0.25,
  axisLabel: { ...AXIS_LABEL, formatter: (v: number) => `${Math.round(v * 100)}%` },
  splitLine: { lineStyle: { color: COLORS.grid } },
} as const;

/** Height of one step: its name above a bar of BAR_HEIGHT, with a gap to the next step. */
const ROW_HEIGHT = 48;
const BAR_HEIGHT = 18;

/**
 * One bar per step, as long as its conversion from the first step on a 0–100 % axis, labelled
 * with that percent and the count of units behind it. Each step's name is written above its bar,
 * so names are whole and the bars get the full width even on a phone.
 */
export function funnelOption(steps: FunnelStep[], unitLabel: string) {
  return {
    grid: { left: 8, right: 16, top: 22, bottom: 8, containLabel: true },
    tooltip: { ...TOOLTIP_BASE, trigger: 'item', formatter: tooltip },
    xAxis: PERCENT_AXIS,
    yAxis: {
      type: 'category',
      inverse: true,
      data: steps.map((s, i) => `${i + 1}. ${stepLabel(s)}`),
      // Inside the plot, left-aligned, lifted above the bar (the bottom padding is the lift).
      axisLabel: {
        ...AXIS_LABEL,
        color: COLORS.text,
        inside: true,
        interval: 0,
        align: 'left',
        verticalAlign: 'bottom',
        margin: 0,
        padding: [0, 0, BAR_HEIGHT / 2 + 3, 0],
      },
      axisTick: { show: false },
      axisLine: { show: false },
      z: 3,
    },
    series: [
      {
        name: 'Conversion from first step',
        type: 'bar',
        barWidth: BAR_HEIGHT,
        data: steps.map((s, i): StepDatum => {
          const inside = s.conversion_from_first >= LABEL_INSIDE_FROM;
          return {
            value: s.conversion_from_first,
            position: i + 1,
            step: s,
            unit: unitLabel,
            itemStyle: { color: i > 0 && s.drop_off > HIGH_DROP_OFF ? COLORS.warn : COLORS.accent },
            label: {
              position: inside ? 'insideRight' : 'right',
              color: inside ? COLORS.onFill : COLORS.text,
            },
          };
        }),
        itemStyle: { borderRadius: [0, 4, 4, 0] },
        label: { show: true, fontSize: 11, formatter: barLabel },
      },
    ],
  };
}

export const funnelChartHeight = (steps: number): number => steps * ROW_HEIGHT + 50;

export function FunnelChart({ steps, unitLabel }: { steps: FunnelStep[]; unitLabel: string }) {
  const option = useMemo(() => funnelOption(steps, unitLabel), [steps, unitLabel]);
  return <Chart option={option} height={funnelChartHeight(steps.length)} label="Funnel steps" />;
}
