import { useLiveQuery } from '@sightline/react';
import {
  RETENTION_DEFAULT_PERIODS,
  RETENTION_MAX_PERIODS,
  RETENTION_PERIODS,
  type RetentionPeriod,
} from '@sightline/schema/query-results';
import { Panel } from '../components/panel';
import { Segmented } from '../components/segmented';
import { Empty, Loading } from '../components/states';
import { useUrlParams } from '../url-state';
import { type RetentionShow, RetentionTable } from './retention/retention-table';
import { useTabParam } from './web/tab-param';
import './retention/retention.css';

const PERIOD_LABELS: Readonly<Record<RetentionPeriod, string>> = { week: 'Weeks', day: 'Days' };
const SHOWS = ['rates', 'counts'] as const satisfies readonly RetentionShow[];

/** Cohort counts offered: up to the query's maximum for the period (RETENTION_MAX_PERIODS). */
function cohortChoices(period: RetentionPeriod): number[] {
  const max = RETENTION_MAX_PERIODS[period];
  return [...new Set([4, RETENTION_DEFAULT_PERIODS, 14, max])].filter((n) => n <= max).sort((a, b) => a - b);
}

/**
 * Retention by cohort (docs/SEMANTICS.md, Retention): ids grouped by the day or week they were
 * first seen, and how many came back in each later period. The window is the last N periods up
 * to now; the filter bar's filters apply, the toolbar's time range does not.
 */
export function RetentionView() {
  const [params, setParams] = useUrlParams();
  const [period, setPeriod] = useTabParam<RetentionPeriod>('period', RETENTION_PERIODS);
  const [show, setShow] = useTabParam<RetentionShow>('show', SHOWS);
  const choices = cohortChoices(period);
  const asked = Number(params.get('cohorts'));
  const periods = choices.includes(asked) ? asked : RETENTION_DEFAULT_PERIODS;
  const returning = params.get('returning') || undefined;
  const result = useLiveQuery('retention', { period, periods, returning_event: returning });
  const names = useLiveQuery('top_events', { time_range: '30d', limit: 1000 });

  return (
    <div className="stack">
      <Panel
        title="Cohorts"
        hint={`Visitors by the ${period} of their first event in the last ${periods} ${PERIOD_LABELS[period].toLowerCase()}, and the share that came back each ${period} after.`}
        testId="retention"
        actions={
          <Segmented
            small
            legend="Show"
            options={SHOWS.map((s) => ({ value: s, label: s === 'rates' ? 'Rates' : 'Counts' }))}
            value={show}
            onChange={setShow}
          />
        }
      >
        <div className="controls retention-controls">
          <Segmented
            small
            legend="Cohort period"
            options={RETENTION_PERIODS.map((p) => ({ value: p, label: PERIOD_LABELS[p] }))}
            value={period}
            onChange={(p) => {
              setPeriod(p);
              setParams({ cohorts: null }, true);
            }}
          />
          <label className="control">
            <span>Cohorts</span>
            <select
              value={periods}
              onChange={(e) =>
                setParams(
                  { cohorts: e.target.value === String(RETENTION_DEFAULT_PERIODS) ? null : e.target.value },
                  true,
                )
              }
              data-testid="retention-periods"
            >
              {choices.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label className="control">
            <span>Returning means</span>
            <select
              value={returning ?? ''}
              onChange={(e) => setParams({ returning: e.target.value || null }, true)}
              data-testid="retention-returning"
            >
              <option value="">any event</option>
              {returning && !names?.events.some((e) => e.name === returning) ? (
                <option value={returning}>{returning}</option>
              ) : null}
              {(names?.events ?? []).map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {!result ? (
          <Loading height={240} />
        ) : result.cohorts.every((c) => c.size === 0) ? (
          <Empty height={160}>No visitors with an id in this window.</Empty>
        ) : (
          <RetentionTable result={result} show={show} />
        )}
      </Panel>
    </div>
  );
}
