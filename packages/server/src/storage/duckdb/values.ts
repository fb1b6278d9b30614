import type { QueryRow } from '../engine.js';

/** DuckDB hands back BIGINT/HUGEINT as bigint and DECIMAL as objects; callers want plain JSON values. */
export function toPlainValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  const maybeDecimal = value as { toDouble?: () => number };
  if (typeof maybeDecimal.toDouble === 'function') return maybeDecimal.toDouble();
  return String(value);
}

export function toPlainRow(row: Record<string, unknown>): QueryRow {
  const out: QueryRow = {};
  for (const key of Object.keys(row)) out[key] = toPlainValue(row[key]);
  return out;
}
