import { useLiveQuery } from '@sightline/react';
import type { PerformanceResult } from '@sightline/schema/query-results';
import { useMemo } from 'react';
import { PERFORMANCE_METRICS, type Percentiles, type PerformanceMetric } from '../api/types';
import { Chart } from '../charts/chart';
import { tooltipHtml } from '../charts/escape';
import { AXIS_LABEL, COLORS, TOOLTIP_BASE } from '../charts/theme';
import { Panel } from '../components/panel';
import { Empty, Loading } from '../components/states';
import { formatCount } from '../format';
import { useUrlParams } from '../url-state';
import { useRange } from '../use-range';
import { formatMetric, METRIC_LABELS, ThresholdsLegend, VitalsTable } from './performance-vitals';

const LABELS = METRIC_LABELS;

/** The p50 bar's data item: the page's identity rides along for the tooltip. */
interface PageDatum {
  value: number | null;
  path: string;
  samples: number;
}

type AxisTooltipItem = { seriesName: string; value: number | null; data: PageDatum | number | null };

/** Per metric, once: the value axis's labels and the tooltip (module-level, so options compare equal). */
const METRIC_FORMATS = Object.fromEntries(
  PERFORMANCE_METRICS.map((metric) => [
    metric,
    {
      axis: (value: number) => formatMetric(metric, value),
      tooltip: (items: AxisTooltipItem[]) => {
        const page = items
          .map((item) => item.data)
          .find((d): d is PageDatum => typeof d === 'object' && d !== null);
        if (!page) return '';
        return tooltipHtml(page.path || '(no path)', [
          ['Samples', formatCount(page.samples)],
          ...items.map((item) => [item.seriesName, formatMetric(metric, item.value)] as const),
        ]);
      },
    },
  ]),
) as Record<
  PerformanceMetric,
  { axis: (value: number) => string; tooltip: (items: AxisTooltipItem[]) => string }
>;

/** Past this many pages the path labels are slanted, so each keeps its own room at phone width. */
const UPRIGHT_LABELS_MAX = 4;
/**
 * Characters of a path under its bars. A longer one keeps its start and its end, where paths
 * usually differ (`/docs/…/install`); the tooltip and the table have it whole.
 */
const PATH_LABEL_CHARS = 18;
const pathLabel = (path: string) => {
  if (path.length <= PATH_LABEL_CHARS) return path;
  const head = Math.floor((PATH_LABEL_CHARS - 1) / 2);
  return `${path.slice(0, head)}…${path.slice(head + 1 - PATH_LABEL_CHARS)}`;
};

/** A few pages on a wide screen would otherwise give slabs, not bars. */
const BAR_MAX_WIDTH = 28;
/** The most sampled pages drawn; the table below lists them all. */
const CHART_PAGES = 12;

/** p50 / p75 / p95 of one metric for the most sampled pages that report it. */
export function performanceOption(result: PerformanceResult, metric: PerformanceMetric) {
  const pages = result.pages.filter((p) => p[metric].p50 !== null).slice(0, CHART_PAGES);
  const pick = (k: keyof Percentiles) => pages.map((p) => p[metric][k]);
  return {
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, right: 0, textStyle: { color: COLORS.muted } },
    tooltip: { ...TOOLTIP_BASE, trigger: 'axis', formatter: METRIC_FORMATS[metric].tooltip },
    xAxis: {
      type: 'category',
      data: pages.map((p) => p.path || '(no path)'),
      axisLabel: {
        ...AXIS_LABEL,
        interval: 0,
        rotate: pages.length > UPRIGHT_LABELS_MAX ? 40 : 0,
        formatter: pathLabel,
        hideOverlap: true,
      },
    },
    yAxis: {
      type: 'value',
      axisLabel: { ...AXIS_LABEL, formatter: METRIC_FORMATS[metric].axis },
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: [
      {
        name: 'p50',
        type: 'bar',
        barMaxWidth: BAR_MAX_WIDTH,
        data: pages.map((p): PageDatum => ({ value: p[metric].p50, path: p.path, samples: p.samples })),
        itemStyle: { color: COLORS.accentSoft },
      },
      {
        name: 'p75',
        type: 'bar',
        barMaxWidth: BAR_MAX_WIDTH,
        data: pick('p75'),
        itemStyle: { color: COLORS.accent },
      },
      {
        name: 'p95',
        type: 'bar',
        barMaxWidth: BAR_MAX_WIDTH,
        data: pick('p95'),
        itemStyle: { color: COLORS.accentDeep },
      },
    ],
  };
}

/** p50 / p75 / p95 of the chosen metric per page, and every metric's p75 in a table. */
export function PerformanceView() {
  const range = useRange();
  const [params, setParams] = useUrlParams();
  const chosen = params.get('metric');
  const metric: PerformanceMetric = PERFORMANCE_METRICS.find((m) => m === chosen) ?? 'page_load_time';
  const result = useLiveQuery('performance', { time_range: range, limit: 20 });
  const option = useMemo(() => (result ? performanceOption(result, metric) : null), [result, metric]);

  if (!result || !option) return <Loading height={240} />;
  if (result.pages.length === 0)
    return (
      <Panel title="Performance">
        <Empty height={200}>No page_performance samples in this range.</Empty>
      </Panel>
    );
  return (
    <div className="stack">
      <Panel
        title={`${LABELS[metric]} per page`}
        hint="p50 / p75 / p95 of the most sampled pages"
        actions={
          <label className="control control-inline">
            <span>Metric</span>
            <select value={metric} onChange={(e) => setParams({ metric: e.target.value }, true)}>
              {PERFORMANCE_METRICS.map((m) => (
                <option key={m} value={m}>
                  {LABELS[m]}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <Chart option={option} height={280} label={`${LABELS[metric]} percentiles per page`} />
      </Panel>
      <Panel
        title="Web vitals per page"
        hint="p75 and the share of page views good / needs improvement / poor"
      >
        <VitalsTable
          testId="vitals-pages"
          rows={[
            {
              key: '*',
              label: 'All pages',
              samples: result.overall.samples,
              vitals: result.overall.vitals,
              total: true,
            },
            ...result.pages.map((p) => ({
              key: p.path,
              label: p.path || '(no path)',
              samples: p.samples,
              vitals: p.vitals,
            })),
          ]}
        />
        <ThresholdsLegend />
      </Panel>
      <Panel title="Web vitals per device" hint="p75 per device class (from the User-Agent)">
        <VitalsTable
          testId="vitals-devices"
          rows={result.devices.map((d) => ({
            key: d.device,
            label: d.device || '(unknown)',
            samples: d.samples,
            vitals: d.vitals,
          }))}
        />
      </Panel>
    </div>
  );
}
