import { useEffect, useRef } from 'react';
import { type EChartsCoreOption, echarts } from './echarts';

interface ChartProps {
  option: EChartsCoreOption;
  /** CSS height; the width follows the container. */
  height?: number | string;
  /** For tests and screen readers: what the chart shows. */
  label: string;
  /** Below this width the chart scrolls sideways instead of squeezing (a sankey needs room). */
  minWidth?: number;
}

/**
 * A minimal ECharts host: one instance per mount, the option replaced on every change (live
 * results are complete values, not deltas), resized with its container so it works from phone
 * width to wide screens.
 */
export function Chart({ option, height = 280, label, minWidth }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);

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
    };
  }, []);

  useEffect(() => {
    // Merge (so live updates animate from the old values) but replace the series wholesale, so a
    // series or data point that disappeared from the result disappears from the chart.
    chart.current?.setOption(option, { replaceMerge: ['series'], lazyUpdate: true });
  }, [option]);

  const hostElement = (
    <div ref={host} className="chart" style={{ height, minWidth }} role="img" aria-label={label} />
  );
  return minWidth ? <div className="chart-scroll">{hostElement}</div> : hostElement;
}
