import { useLayoutEffect, useRef } from 'react';
import { type EChartsCoreOption, echarts } from './echarts';
import { FIRST_SET_OPTION_OPTS, nextOption, SET_OPTION_OPTS } from './option-updates';

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

type ChartInstance = ReturnType<typeof echarts.init>;

/**
 * Resizes the chart to its host and paints it at once. ECharts' resize repaints the old drawing
 * into the resized canvas straight away but paints the new layout only on the next animation
 * frame: until then a widened chart shows its old drawing with the new room left empty (a sankey
 * cut off before its newest column), for as long as a busy page delays that frame.
 */
function resizeNow(instance: ChartInstance): void {
  instance.resize();
  instance.getZr().flush();
}

/**
 * A minimal ECharts host: one instance per mount, resized with its container so it works from
 * phone width to wide screens. Live results are complete values: each one changes the drawn chart
 * in place (the opening animation plays once, later pushes transition briefly), and a value equal
 * to the drawn one is not applied.
 *
 * Layout effects, not passive ones: a result that changes `minWidth` (a sankey with one more
 * column) widens the host in the same commit, and the chart takes the new size and the new option
 * before the browser paints, so the new option is laid out for the width it is shown at.
 */
export function Chart({ option, height = 280, label, minWidth }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartInstance | null>(null);
  const drawn = useRef<EChartsCoreOption | null>(null);

  useLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: 'canvas' });
    chart.current = instance;
    // The container changing size on its own (window, sidebar, scrollbar).
    const observer = new ResizeObserver(() => resizeNow(instance));
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
      drawn.current = null;
    };
  }, []);

  useLayoutEffect(() => {
    const instance = chart.current;
    const element = host.current;
    if (!instance || !element) return;
    // Only when the size changed (a new `minWidth`): a resize renders without animation, which
    // would cut a push's transition short.
    if (instance.getWidth() !== element.clientWidth || instance.getHeight() !== element.clientHeight)
      resizeNow(instance);
    const update = nextOption(drawn.current, option);
    if (!update) return;
    instance.setOption(update, drawn.current === null ? FIRST_SET_OPTION_OPTS : SET_OPTION_OPTS);
    drawn.current = option;
  }, [option]);

  const hostElement = (
    <div ref={host} className="chart" style={{ height, minWidth }} role="img" aria-label={label} />
  );
  return minWidth ? <div className="chart-scroll">{hostElement}</div> : hostElement;
}
