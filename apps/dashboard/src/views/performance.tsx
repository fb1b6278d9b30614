import { useLiveQuery } from '@sightline/react';
import { useMemo } from 'react';
import { PERFORMANCE_METRICS, type Percentiles, type PerformanceMetric } from '../api/types';
import { Chart } from '../charts/chart';
import { tooltipHtml } from '../charts/escape';
import { AXIS_LABEL, COLORS, TOOLTIP_BASE } from '../charts/theme';
import { Panel } from '../components/panel';
import { Empty, Loading } from '../components/states';
import { formatCount, formatDuration } from '../format';
import { useUrlParams } from '../url-state';
import { useRange } from '../use-range';

const LABELS: Record<PerformanceMetric, string> = {
  page_load_time: 'Page load',
  dom_ready_time: 'DOM ready',
  time_to_interactive: 'Interactive',
  lcp: 'LCP',
  inp: 'INP',
  cls: 'CLS',
  fcp: 'FCP',
  ttfb: 'TTFB',
};

/** web.dev's "good" and "poor" limits (p75 is what they are judged on). */
const VITAL_LIMITS: Partial<Record<PerformanceMetric, [number, number]>> = {
  lcp: [2500, 4000],
  inp: [200, 500],
  cls: [0.1, 0.25],
  fcp: [1800, 3000],
  ttfb: [800, 1800],
  page_load_time: [3000, 4000],
};

const formatMetric = (metric: PerformanceMetric, value: number | null) =>
  value === null ? '—' : metric === 'cls' ? value.toFixed(3) : formatDuration(value);

function rating(metric: PerformanceMetric, value: number | null): string {
  const limits = VITAL_LIMITS[metric];
  if (!limits || value === null) return '';
  return value <= limits[0] ? 'text-good' : value <= limits[1] ? 'text-warn' : 'text-bad';
}

/** p50 / p75 / p95 of the chosen metric per page, and every metric's p75 in a table. */
export function PerformanceView() {
  const range = useRange();
  const [params, setParams] = useUrlParams();
  const chosen = params.get('metric');
  const metric: PerformanceMetric = PERFORMANCE_METRICS.find((m) => m === chosen) ?? 'page_load_time';
  const result = useLiveQuery('performance', { time_range: range, limit: 20 });

  const option = useMemo(() => {
    if (!result) return null;
    const pages = result.pages.filter((p) => p[metric].p50 !== null).slice(0, 12);
    const pick = (k: keyof Percentiles) => pages.map((p) => p[metric][k]);
    return {
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, right: 0, textStyle: { color: COLORS.muted } },
      tooltip: {
        ...TOOLTIP_BASE,
        trigger: 'axis',
        formatter: (items: Array<{ dataIndex: number }>) => {
          const page = pages[items[0]?.dataIndex ?? -1];
          if (!page) return '';
          const v = page[metric];
          return tooltipHtml(page.path, [
            ['Samples', formatCount(page.samples)],
            ['p50', formatMetric(metric, v.p50)],
            ['p75', formatMetric(metric, v.p75)],
            ['p95', formatMetric(metric, v.p95)],
          ]);
        },
      },
      xAxis: {
        type: 'category',
        data: pages.map((p) => p.path || '(no path)'),
        axisLabel: { ...AXIS_LABEL, hideOverlap: true, width: 100, overflow: 'truncate' },
      },
      yAxis: {
        type: 'value',
        axisLabel: { ...AXIS_LABEL, formatter: (value: number) => formatMetric(metric, value) },
        splitLine: { lineStyle: { color: COLORS.grid } },
      },
      series: [
        { name: 'p50', type: 'bar', data: pick('p50'), itemStyle: { color: COLORS.accentSoft } },
        { name: 'p75', type: 'bar', data: pick('p75'), itemStyle: { color: COLORS.accent } },
        { name: 'p95', type: 'bar', data: pick('p95'), itemStyle: { color: '#312e81' } },
      ],
    };
  }, [result, metric]);

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
        title="Web vitals (p75)"
        hint="Green: good, amber: needs improvement, red: poor (web.dev limits)"
      >
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Page</th>
                <th className="num">Samples</th>
                {PERFORMANCE_METRICS.map((m) => (
                  <th key={m} className="num">
                    {LABELS[m]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.pages.map((page) => (
                <tr key={page.path}>
                  <td className="mono truncate" title={page.path}>
                    {page.path || '(no path)'}
                  </td>
                  <td className="num">{formatCount(page.samples)}</td>
                  {PERFORMANCE_METRICS.map((m) => (
                    <td key={m} className={`num ${rating(m, page[m].p75)}`}>
                      {formatMetric(m, page[m].p75)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </div>
  );
}
