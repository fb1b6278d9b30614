import type { FilterProperty } from '@sightline/schema/query-results';
import type { ReactNode } from 'react';
import { useFilters } from '../../components/filter-params';
import { Empty } from '../../components/states';

export interface RankedColumn<R> {
  label: string;
  value(row: R): number | null;
  format(value: number | null): string;
  /** Left out at phone width (the first column always stays). */
  wide?: boolean;
}

export interface RankedTableProps<R> {
  rows: readonly R[];
  /** A row's identity and the value a click filters on. */
  rowKey(row: R): string;
  label(row: R): ReactNode;
  columns: ReadonlyArray<RankedColumn<R>>;
  /** The column whose share of the largest value is drawn behind each row. */
  barColumn?: number;
  /** The filter a click on a row adds (`property is <rowKey>`); rows are not clickable without one. */
  filterProperty?: FilterProperty;
  /** What to say when there are no rows. */
  empty: ReactNode;
  testId?: string;
}

/**
 * A ranked list (pages, sources, devices, countries): a bar behind each row shows its share of
 * the largest value, and a click on a row adds it to the filter bar.
 */
export function RankedTable<R>({
  rows,
  rowKey,
  label,
  columns,
  barColumn = 0,
  filterProperty,
  empty,
  testId,
}: RankedTableProps<R>) {
  const [, filters] = useFilters();
  if (rows.length === 0) return <Empty height={120}>{empty}</Empty>;
  const barOf = columns[barColumn];
  const max = Math.max(1, ...rows.map((r) => barOf?.value(r) ?? 0));

  return (
    <div className="table-wrap">
      <table className={`table ranked ${filterProperty ? 'table-click' : ''}`} data-testid={testId}>
        <thead>
          <tr>
            <th>
              <span className="sr-only">Name</span>
            </th>
            {columns.map((c) => (
              <th key={c.label} className={`num ${c.wide ? 'hide-narrow' : ''}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const key = rowKey(row);
            const share = (barOf?.value(row) ?? 0) / max;
            const pick = filterProperty ? () => filters.pick(filterProperty, key) : undefined;
            return (
              <tr key={key} data-testid="ranked-row" data-key={key} onClick={pick}>
                <td className="ranked-name">
                  <span className="ranked-bar" style={{ width: `${(share * 100).toFixed(1)}%` }} />
                  {pick ? (
                    <button
                      type="button"
                      className="ranked-pick"
                      title="Filter by this"
                      onClick={(e) => {
                        e.stopPropagation();
                        pick();
                      }}
                    >
                      {label(row)}
                    </button>
                  ) : (
                    <span className="ranked-label">{label(row)}</span>
                  )}
                </td>
                {columns.map((c) => (
                  <td key={c.label} className={`num ${c.wide ? 'hide-narrow' : ''}`}>
                    {c.format(c.value(row))}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
