import type { InterventionRecord } from '../processor-records.js';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** An `interventions` row as DuckDB returns it → the engine-agnostic record. */
export function toInterventionRecord(r: Record<string, unknown>): InterventionRecord {
  return {
    id: r['id'] as string,
    project_id: r['project_id'] as string,
    session_id: r['session_id'] as string,
    distinct_id: r['distinct_id'] as string,
    insight_id: r['insight_id'] as string,
    insight_type: r['insight_type'] as string,
    rule_id: r['rule_id'] as string,
    action: r['action'] as string,
    message: r['message'] as string,
    risk_factors: JSON.parse(r['risk_factors'] as string) as string[],
    held_out: Boolean(r['held_out']),
    created_at: Number(r['created_at']),
    delivered_at: num(r['delivered_at']),
    shown_at: num(r['shown_at']),
    result: (r['result'] as string | null) ?? null,
    result_at: num(r['result_at']),
  };
}
