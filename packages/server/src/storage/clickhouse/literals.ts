import type { SqlFragment, SqlValue } from '../../sql/sql.js';

/**
 * The one way a value enters ClickHouse SQL text. ClickHouse 18.16 has no query parameters, so
 * every value of a `sql` fragment is rendered as a literal here (fuzz-tested with hostile strings
 * against 18.16 and chDB in test/storage/clickhouse-literals.test.ts).
 *
 * Inside '…' ClickHouse reads `\` as an escape, so backslash and quote are escaped; NUL and the
 * line breaks are written as escapes too, so the SQL text itself stays plain printable text.
 */
export function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} into ClickHouse SQL`);
    // Parenthesised so `x - ${-1}` never becomes a `--` comment.
    return value < 0 ? `(${value})` : String(value);
  }
  let out = "'";
  for (const ch of value) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '\0':
        out += '\\0';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      default:
        out += ch;
    }
  }
  return `${out}'`;
}

/** A fragment as ClickHouse SQL text, each value through `literal`. */
export function renderSql(fragment: SqlFragment): string {
  return fragment.render((_, value) => literal(value));
}
