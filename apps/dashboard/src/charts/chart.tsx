import { useEffect, useRef } from 'react';
import { type EChartsCoreOption, echarts } from './echarts';
import { nextOption, SET_OPTION_OPTS } from './option-updates';

interface ChartProps {
  /**
   * Plain data plus module-level formatters that read what they show from their params: a result
   * equal to the last one then gives an equal option and nothing is redrawn (see option-updates).
   */
  option: EChartsCoreOption;
  /** CSS height; the width follows the container. */
  height?: number | string;
  /** For tests and screen readers: what the chart shows. */
  label: string;
  /** Below this width the chart scrolls sideways instead of squeezing (a sankey needs room). */
  minWidth?: number;
}

/**
 * A minimal ECharts host: one instance per mount, resized with its container so it works from
 * phone width to wide screens. Live results are complete values: each one changes the drawn chart
 * in place (the opening animation plays once, later pushes transition briefly), and a value equal
 * to the drawn one is not applied.
 */
export function Chart({ option, height = 280, label, minWidth }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const drawn = useRef<EChartsCoreOption | null>(null);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
      drawn.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const update = nextOption(drawn.current, option);
    if (!update) return;
    instance.setOption(update, SET_OPTION_OPTS);
    drawn.current = option;
  }, [option]);

  const hostElement = (
    <div ref={host} className="chart" style={{ height, minWidth }} role="img" aria-label={label} />
  );
  return minWidth ? <div className="chart-scroll">{hostElement}</div> : hostElement;
}
