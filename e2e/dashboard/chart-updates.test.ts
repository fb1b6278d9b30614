import { SVGRenderer } from 'echarts/renderers';
import { afterEach, describe, expect, it } from 'vitest';
import { type EChartsCoreOption, echarts } from '../../apps/dashboard/src/charts/echarts.js';
import {
  nextOption,
  OPENING_ANIMATION_MS,
  SET_OPTION_OPTS,
  UPDATE_TRANSITION_MS,
} from '../../apps/dashboard/src/charts/option-updates.js';
import { wrapName } from '../../apps/dashboard/src/charts/wrap-name.js';
import { sankeyColumns } from '../../apps/dashboard/src/views/flow/sankey-layout.js';

// Server-side rendering: the real ECharts model and views, without a browser.
echarts.use([SVGRenderer]);

const label = ({ value }: { value: number }) => `${value} events`;

/** An option as the views build it: plain data plus a module-level formatter. */
const barsOption = (values: number[], withSecondSeries = false) => ({
  animation: false,
  xAxis: { type: 'category', data: values.map((_, i) => `b${i}`) },
  yAxis: { type: 'value', max: 100 },
  series: [
    { name: 'Events', type: 'bar', data: [...values], label: { show: true, formatter: label } },
    ...(withSecondSeries ? [{ name: 'Sessions', type: 'line', data: values.map((v) => v / 2) }] : []),
  ],
});

type Chart = ReturnType<typeof echarts.init>;
const charts: Chart[] = [];
const newChart = () => {
  const chart = echarts.init(null as unknown as HTMLElement, null, {
    renderer: 'svg',
    ssr: true,
    width: 400,
    height: 300,
  });
  charts.push(chart);
  return chart;
};
/** The drawn bars (rectangles of the bar series), in drawing order. */
const bars = (chart: Chart) =>
  chart
    .getZr()
    .storage.getDisplayList(true)
    .filter(
      (el) => el.type === 'rect' && (el as unknown as { shape: { height: number } }).shape.height !== 0,
    ) as unknown as Array<{
    shape: { height: number };
  }>;
/** Applies an option the way the Chart host does (synchronously here, to read the result). */
const apply = (chart: Chart, option: EChartsCoreOption) =>
  chart.setOption(option, { ...SET_OPTION_OPTS, lazyUpdate: false });

afterEach(() => {
  for (const chart of charts.splice(0)) chart.dispose();
});

describe('live chart updates', () => {
  it('changes the drawn bars in place on a push, where an option without series ids rebuilt them', () => {
    const first = barsOption([10, 20, 30]);
    const second = barsOption([40, 20, 30]);

    const chart = newChart();
    apply(chart, nextOption(null, first)!);
    const before = bars(chart);
    const heightBefore = before[0]!.shape.height;
    apply(chart, nextOption(first, second)!);
    const after = bars(chart);
    expect(after).toHaveLength(3);
    // The same graphic elements, moved to the new value: nothing was rebuilt to animate in again.
    expect(after[0]).toBe(before[0]);
    expect(after[0]!.shape.height).toBeCloseTo(heightBefore * 4, 5);

    // The same push applied as before this change (ids left out): ECharts builds a new series view.
    const rebuilt = newChart();
    rebuilt.setOption(first, { replaceMerge: ['series'] });
    const old = bars(rebuilt);
    rebuilt.setOption(second, { replaceMerge: ['series'] });
    expect(bars(rebuilt)[0]).not.toBe(old[0]);
  });

  it('removes a series and data points that are gone from the next result', () => {
    const chart = newChart();
    const full = barsOption([10, 20, 30], true);
    const fewer = barsOption([10, 20]);
    apply(chart, nextOption(null, full)!);
    expect((chart.getOption().series as unknown[]).length).toBe(2);
    apply(chart, nextOption(full, fewer)!);
    const series = chart.getOption().series as Array<{ name: string; data: number[] }>;
    expect(series.map((s) => s.name)).toEqual(['Events']);
    expect(series[0]!.data).toEqual([10, 20]);
    expect(bars(chart)).toHaveLength(2);
  });

  it('draws nothing for an equal result and transitions briefly after the first draw', () => {
    const first = nextOption(null, barsOption([1, 2]))!;
    expect(first).not.toHaveProperty('animationDurationUpdate');
    expect(first).toMatchObject({ animationDuration: OPENING_ANIMATION_MS });
    expect(nextOption(barsOption([1, 2]), barsOption([1, 2]))).toBeNull();
    const changed = nextOption(barsOption([1, 2]), barsOption([1, 3]))!;
    expect(changed).toMatchObject({ animationDurationUpdate: UPDATE_TRANSITION_MS });
    expect(UPDATE_TRANSITION_MS).toBeLessThan(250);
    // A new formatter function is a different option: formatters belong at module level.
    const inline = barsOption([1, 2]);
    const inlineLabel = { show: true, formatter: ({ value }: { value: number }) => `${value} events` };
    expect(
      nextOption(barsOption([1, 2]), { ...inline, series: [{ ...inline.series[0], label: inlineLabel }] }),
    ).not.toBeNull();
  });
});

describe('wrapName', () => {
  it('breaks identifiers after separators, keeps every character, and never exceeds a line', () => {
    expect(wrapName('upload_complete', 10)).toBe('upload_\ncomplete');
    expect(wrapName('5. analysis_complete', 20)).toBe('5. analysis_complete');
    expect(wrapName('/checkout/payment/confirm', 12)).toBe('/checkout/\npayment/\nconfirm');
    const long = 'averyveryverylongeventnamewithoutanyseparators';
    const wrapped = wrapName(long, 12);
    expect(wrapped.replace(/\n/g, '')).toBe(long);
    expect(Math.max(...wrapped.split('\n').map((line) => line.length))).toBe(12);
  });

  it('ends in an ellipsis past maxLines', () => {
    expect(wrapName('one_two_three_four', 8, 2)).toBe('one_two_\nthree_…');
    expect(wrapName('abcdefghijklmnop', 8, 1)).toBe('abcdefg…');
    expect(wrapName('short', 8, 2)).toBe('short');
  });
});

describe('sankeyColumns', () => {
  it('counts the nodes on the longest path, as the sankey lays them out', () => {
    expect(sankeyColumns([])).toBe(0);
    expect(
      sankeyColumns([
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'a', to: 'c' },
        { from: 'c', to: 'd' },
        { from: 'x', to: 'd' },
      ]),
    ).toBe(4);
  });
});
