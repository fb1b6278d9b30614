import type { DuckDBValue } from '@duckdb/node-api';
import type { SqlFragment, SqlValue } from '../../sql/sql.js';

/** A fragment as DuckDB SQL text and its parameters ($1, $2, …). */
export function renderDuckDb(fragment: SqlFragment): { text: string; values: DuckDBValue[] } {
  const values: DuckDBValue[] = [];
  const text = fragment.render((_, value) => {
    const inline = numericLiteral(value);
    if (inline !== null) return inline;
    values.push(value);
    return `$${values.length}`;
  });
  return { text, values };
}

/**
 * Numbers and booleans go into the SQL text; strings stay parameters. DuckDB plans a prepared
 * statement without its parameters' values, so `timestamp >= $3` or `lo1 <= t0 + $9` cannot be
 * folded or used to skip row groups: measured 1.5–2× slower on the funnel over 1 M events. A
 * number's text is exact and cannot carry SQL (finite only; negatives in parentheses, so `a -${x}`
 * never becomes a `--` comment).
 */
function numericLiteral(value: SqlValue): string | null {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value !== 'number') return null;
  if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
  return value < 0 ? `(${String(value)})` : String(value);
}
