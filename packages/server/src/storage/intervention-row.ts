import type { InterventionRecord } from './processor-records.js';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * An `interventions` row as either engine reads it back (plain values; booleans as JS booleans)
 * → the engine-agnostic record.
 */
export function toInterventionRecord(r: Record<string, unknown>): InterventionRecord {
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
