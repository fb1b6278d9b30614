import { useLiveQuery } from '@sightline/react';
import { Panel } from '../components/panel';
import { Empty, Loading } from '../components/states';
import { formatCount, formatDuration, formatPercent } from '../format';
import { useRange } from '../use-range';
import { BreakdownTable } from './funnel/breakdown-table';
import { FunnelChart, HIGH_DROP_OFF } from './funnel/funnel-chart';
import { useFunnelParams } from './funnel/funnel-params';
import { stepLabel } from './funnel/step-label';
import { StepPicker } from './funnel/step-picker';

/** An ordered funnel over the chosen steps (docs/SEMANTICS.md): per step count, conversion, drop-off, time. */
export function FunnelView() {
  const range = useRange();
  const [params, setParams] = useFunnelParams();
  const funnel = useLiveQuery('funnel', {
    time_range: range,
    steps: params.steps,
    unit: params.unit,
    window_ms: params.windowMs,
    breakdown: params.breakdown ?? undefined,
  });
  const unitLabel = params.unit === 'user' ? 'Users' : 'Sessions';
  const started = funnel?.steps[0]?.count ?? 0;

  return (
    <div className="stack">
      <Panel
        title="Steps"
        hint="In order; each unit counts once, at the furthest step it reached within the window."
      >
        <StepPicker
          range={range}
          value={params}
          onChange={setParams}
          stepFilterable
          breakdown={{ value: params.breakdown, onChange: (breakdown) => setParams({ breakdown }) }}
        />
      </Panel>
      <Panel
        title="Conversion"
        testId="funnel-result"
        hint={
          funnel && started > 0
            ? `${formatCount(started)} ${unitLabel.toLowerCase()} started; ${formatPercent(
                funnel.steps[funnel.steps.length - 1]?.conversion_from_first,
              )} reached the last step`
            : undefined
        }
      >
        {!funnel ? (
          <Loading height={300} />
        ) : started === 0 ? (
          <Empty height={200}>No {unitLabel.toLowerCase()} did the first step in this range.</Empty>
        ) : (
          <>
            <FunnelChart steps={funnel.steps} unitLabel={unitLabel} />
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>Step</th>
                    <th className="num">{unitLabel}</th>
                    <th className="num">From first</th>
                    <th className="num">From previous</th>
                    <th className="num">Drop-off</th>
                    <th className="num">Median time</th>
                    <th className="num">p95 time</th>
                  </tr>
                </thead>
                <tbody>
                  {funnel.steps.map((s, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a funnel may repeat a step; its position is its identity
                    <tr key={`${i}-${s.step}`}>
                      <td className="mono nowrap">
                        {i + 1}. {stepLabel(s)}
                      </td>
                      <td className="num">{formatCount(s.count)}</td>
                      <td className="num">{formatPercent(s.conversion_from_first)}</td>
                      <td className="num">{i === 0 ? '—' : formatPercent(s.conversion_from_previous)}</td>
                      <td className={`num ${s.drop_off > HIGH_DROP_OFF ? 'text-warn' : ''}`}>
                        {i === 0 ? '—' : formatPercent(s.drop_off)}
                      </td>
                      <td className="num">{formatDuration(s.median_time_to_convert_ms)}</td>
                      <td className="num">{formatDuration(s.p95_time_to_convert_ms)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Panel>
      {params.breakdown ? (
        <Panel
          title={`By ${params.breakdown}`}
          hint={`Each unit under the value of "${params.breakdown}" on its first step's event; at most 50 values, most ${unitLabel.toLowerCase()} first.`}
          testId="funnel-breakdown-result"
        >
          {!funnel ? (
            <Loading height={160} />
          ) : (funnel.breakdowns ?? []).length === 0 ? (
            <Empty height={120}>No {unitLabel.toLowerCase()} did the first step in this range.</Empty>
          ) : (
            <BreakdownTable
              breakdowns={funnel.breakdowns ?? []}
              property={params.breakdown}
              unitLabel={unitLabel}
            />
          )}
        </Panel>
      ) : null}
    </div>
  );
}
