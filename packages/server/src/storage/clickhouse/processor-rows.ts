import { nextVersion } from './values.js';

/** Object- and array-valued fields are stored as JSON text (as in DuckDB). */
const JSON_FIELDS = new Set(['steps', 'data', 'factors', 'risk_factors']);

/** A record (or a row read back) as a row of its `_versions` table: a new version, JSON fields as text. */
export function toRecordRow(record: object, deleted: boolean): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (JSON_FIELDS.has(key) && typeof value !== 'string') row[key] = JSON.stringify(value);
    else if (typeof value === 'boolean') row[key] = value ? 'true' : 'false';
    else if (typeof value === 'number' && key !== 'completion_rate' && key !== 'friction_score')
      row[key] = Math.round(value);
    else row[key] = value;
  }
  row['_deleted'] = deleted ? 1 : 0;
  row['_version'] = nextVersion();
  return row;
}
