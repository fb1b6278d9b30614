import type { QueryRow } from '../engine.js';
import type { InterventionRecord } from '../processor-records.js';
import { nextVersion } from './values.js';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
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

/** An `interventions` row as read back → the engine-agnostic record. */
export function toInterventionRecord(r: QueryRow): InterventionRecord {
  return {
    id: String(r['id']),
    project_id: String(r['project_id']),
    session_id: String(r['session_id']),
    distinct_id: String(r['distinct_id']),
    insight_id: String(r['insight_id']),
    insight_type: String(r['insight_type']),
    rule_id: String(r['rule_id']),
    action: String(r['action']),
    message: String(r['message']),
    risk_factors: JSON.parse(String(r['risk_factors'])) as string[],
    held_out: r['held_out'] === true,
    created_at: Number(r['created_at']),
    delivered_at: num(r['delivered_at']),
    shown_at: num(r['shown_at']),
    result: (r['result'] as string | null) ?? null,
    result_at: num(r['result_at']),
  };
}
