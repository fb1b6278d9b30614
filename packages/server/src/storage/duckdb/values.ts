import type { QueryRow, StoredEvent } from '../engine.js';

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

export function toStoredEvent(row: Record<string, unknown>): StoredEvent {
  return {
    project_id: row['project_id'] as string,
    uuid: row['uuid'] as string,
    seq: Number(row['seq']),
    event: row['event'] as string,
    distinct_id: row['distinct_id'] as string,
    session_id: row['session_id'] as string,
    timestamp: Number(row['timestamp']),
    received_at: Number(row['received_at']),
    url: row['url'] as string,
    path: row['path'] as string,
    referrer: row['referrer'] as string,
    browser: row['browser'] as string,
    os: row['os'] as string,
    device: row['device'] as string,
    properties: row['properties'] as string,
  };
}
