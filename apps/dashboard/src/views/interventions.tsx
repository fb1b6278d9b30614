import { useLiveQuery } from '@sightline/react';
import { useMemo } from 'react';
import type { InterventionGroup } from '../api/types';
import { Chart } from '../charts/chart';
import { tooltipHtml } from '../charts/escape';
import { AXIS_LABEL, COLORS, TOOLTIP_BASE } from '../charts/theme';
import { Panel } from '../components/panel';
import { Empty, Loading } from '../components/states';
import { formatCount, formatPercent, humanize } from '../format';
import { useRange } from '../use-range';

const groupCells = (g: InterventionGroup) => (
  <>
    <td className="num">{formatCount(g.sessions)}</td>
    <td className="num">{formatCount(g.journeys)}</td>
    <td className="num">{formatPercent(g.completion_rate)}</td>
  </>
);

/** Per rule: journey completion of sessions that got the intervention vs the hold-out group. */
export function InterventionsView() {
  const range = useRange();
  const result = useLiveQuery('interventions', { time_range: range });
  const option = useMemo(() => {
    if (!result) return null;
    const rules = result.rules;
    const rate = (g: InterventionGroup) => (g.completion_rate === null ? null : g.completion_rate * 100);
    const tooltip = (name: string, g: InterventionGroup | undefined) =>
      g
        ? tooltipHtml(name, [
            ['Sessions', formatCount(g.sessions)],
            ['Journeys', formatCount(g.journeys)],
            ['Completed', formatCount(g.completed_journeys)],
            ['Completion rate', formatPercent(g.completion_rate)],
          ])
        : '';
    return {
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, right: 0, textStyle: { color: COLORS.muted } },
      tooltip: {
        ...TOOLTIP_BASE,
        trigger: 'item',
        formatter: ({ dataIndex, seriesIndex }: { dataIndex: number; seriesIndex: number }) => {
          const rule = rules[dataIndex];
          if (!rule) return '';
          return seriesIndex === 0
            ? tooltip(`${rule.rule_id}: targeted`, rule.targeted)
            : tooltip(`${rule.rule_id}: hold-out`, rule.held_out);
        },
      },
      xAxis: {
        type: 'category',
        data: rules.map((r) => humanize(r.rule_id)),
        axisLabel: { ...AXIS_LABEL, interval: 0, width: 110, overflow: 'truncate' },
      },
      yAxis: { type: 'value', max: 100, axisLabel: { ...AXIS_LABEL, formatter: '{value}%' } },
      series: [
        { name: 'Targeted', data: rules.map((r) => rate(r.targeted)), itemStyle: { color: COLORS.accent } },
        { name: 'Hold-out', data: rules.map((r) => rate(r.held_out)), itemStyle: { color: '#94a3b8' } },
      ].map((series) => ({
        ...series,
        type: 'bar',
        barMaxWidth: 48,
        // A 0 % bar is invisible: the label says it is there (no label without journeys).
        label: {
          show: true,
          position: 'top',
          color: COLORS.muted,
          fontSize: 11,
          formatter: ({ value }: { value: number | null }) => (value === null ? '' : `${Math.round(value)}%`),
        },
      })),
    };
  }, [result]);

  if (!result || !option) return <Loading height={240} />;
  if (result.rules.length === 0)
    return (
      <Panel title="Targeted vs hold-out">
        <Empty height={200}>
          No interventions in this range. They are sent when an insight matches a rule; a hold-out share of
          sessions gets none, so the effect can be compared here.
        </Empty>
      </Panel>
    );
  return (
    <div className="stack">
      <Panel
        title="Journey completion: targeted vs hold-out"
        hint="Completed / started journeys of each group's sessions"
      >
        <Chart option={option} height={280} label="Completion rate per rule, targeted vs hold-out" />
      </Panel>
      <Panel title="Per rule">
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th rowSpan={2}>Rule</th>
                <th rowSpan={2}>Action</th>
                <th colSpan={3} className="group">
                  Targeted
                </th>
                <th colSpan={3} className="group">
                  Hold-out
                </th>
              </tr>
              <tr>
                <th className="num">Sessions</th>
                <th className="num">Journeys</th>
                <th className="num">Completion</th>
                <th className="num">Sessions</th>
                <th className="num">Journeys</th>
                <th className="num">Completion</th>
              </tr>
            </thead>
            <tbody>
              {result.rules.map((r) => (
                <tr key={r.rule_id}>
                  <td className="mono">{r.rule_id}</td>
                  <td>{humanize(r.action)}</td>
                  {groupCells(r.targeted)}
                  {groupCells(r.held_out)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </div>
  );
}
