import type { RetentionResult } from '@sightline/schema/query-results';
import { formatCount, formatPercent } from '../../format';

export type RetentionShow = 'rates' | 'counts';

const cohortDate = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** A cohort's period as its start date (UTC, as the server cuts periods). */
export const cohortLabel = (start: number): string => cohortDate.format(start);

/** A cell's shade: the accent colour, as strong as the rate (a faint floor keeps 0 % visible). */
function shade(rate: number): { background: string; color: string } {
  const alpha = 0.06 + 0.84 * Math.min(1, Math.max(0, rate));
  return { background: `rgba(79, 70, 229, ${alpha.toFixed(3)})`, color: alpha > 0.5 ? '#fff' : 'inherit' };
}

interface RetentionTableProps {
  result: RetentionResult;
  show: RetentionShow;
}

/**
 * The retention triangle: a row per cohort (oldest first) with its size and, per period since,
 * the share (or number) of its ids that came back; periods not begun yet are blank. The first
 * row is every cohort together (`average`).
 */
export function RetentionTable({ result, show }: RetentionTableProps) {
  const periods = result.cohorts.length;
  const unit = result.period === 'day' ? 'Day' : 'Week';
  const columns = Array.from({ length: periods }, (_, k) => k);
  const cell = (rate: number, count: number | null, k: number) => (
    <td
      key={k}
      className="num retention-cell"
      style={shade(rate)}
      title={count === null ? formatPercent(rate) : `${formatCount(count)} (${formatPercent(rate)})`}
      data-rate={rate}
    >
      {show === 'counts' && count !== null ? formatCount(count) : formatPercent(rate)}
    </td>
  );

  return (
    <div className="table-wrap">
      <table className="table retention-table" data-testid="retention-table">
        <thead>
          <tr>
            <th>Cohort</th>
            <th className="num">Size</th>
            {columns.map((k) => (
              <th key={k} className="num">
                {unit} {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className="retention-average" data-testid="retention-average">
            <td className="nowrap">All cohorts</td>
            <td className="num">{formatCount(result.cohorts.reduce((sum, c) => sum + c.size, 0))}</td>
            {columns.map((k) =>
              k < result.average.length ? cell(result.average[k]!, null, k) : <td key={k} />,
            )}
          </tr>
          {result.cohorts.map((cohort) => (
            <tr
              key={cohort.start}
              data-testid="retention-cohort"
              data-start={cohort.start}
              data-size={cohort.size}
            >
              <td className="nowrap">{cohortLabel(cohort.start)}</td>
              <td className="num">{formatCount(cohort.size)}</td>
              {columns.map((k) =>
                k >= cohort.returning.length ? (
                  <td key={k} className="retention-future" />
                ) : cohort.size === 0 ? (
                  // No one to come back: a rate of an empty cohort would be a made-up 0 %.
                  <td key={k} className="num muted">
                    —
                  </td>
                ) : (
                  cell(cohort.rates[k] ?? 0, cohort.returning[k] ?? 0, k)
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
