import {
  FILTER_PROPERTIES,
  type FilterColumnProperty,
  type FunnelResult,
} from '@sightline/schema/query-results';
import { PROPERTY_LABELS, valueLabel } from '../../components/filter-labels';
import { formatCount, formatPercent } from '../../format';
import { stepLabel } from './step-label';

interface BreakdownTableProps {
  breakdowns: NonNullable<FunnelResult['breakdowns']>;
  property: string;
  unitLabel: string;
}

/**
 * The funnel per value of the breakdown property (on each unit's first step), most units first:
 * how many started, the share still there at each later step, and how many reached the last.
 */
export function BreakdownTable({ breakdowns, property, unitLabel }: BreakdownTableProps) {
  const steps = breakdowns[0]?.steps ?? [];
  // A filter property (country, browser, …) reads as the filter bar words it: "Country", "United Kingdom".
  const column = (FILTER_PROPERTIES as readonly string[]).includes(property)
    ? (property as FilterColumnProperty)
    : null;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="funnel-breakdown-table">
        <thead>
          <tr>
            <th className={column ? undefined : 'mono'}>{column ? PROPERTY_LABELS[column] : property}</th>
            <th className="num">{unitLabel} started</th>
            {steps.slice(1).map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a funnel may repeat a step; its position is its identity
              <th key={i} className="num">
                {i + 2}. {stepLabel(s)}
              </th>
            ))}
            <th className="num">Reached last</th>
          </tr>
        </thead>
        <tbody>
          {breakdowns.map((b) => (
            <tr key={b.value} data-testid="funnel-breakdown-row" data-value={b.value}>
              <td className="mono truncate" title={b.value}>
                {column ? valueLabel(column, b.value) : b.value === '' ? '(none)' : b.value}
              </td>
              <td className="num">{formatCount(b.steps[0]?.count)}</td>
              {b.steps.slice(1).map((s, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: as in the header
                <td key={i} className="num">
                  {formatPercent(s.conversion_from_first)}
                </td>
              ))}
              <td className="num">{formatCount(b.steps[b.steps.length - 1]?.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
