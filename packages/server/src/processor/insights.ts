import { frictionFactor, RISK_FACTORS, type RiskFactor } from '../friction/catalogue.js';
import type { Detection } from '../friction/factor.js';
import { INSIGHT_COOLDOWN_MS, recommendationsFor, severityFor } from '../friction/scoring.js';
import type { InsightData, InsightRecord, InsightSeverity } from '../storage/processor-records.js';
import type { ProcessingContext } from './context.js';
import { stableId } from './ids.js';
import { recordIntervention } from './interventions.js';
import { type Problem, problemOf } from './problem-key.js';
import type { SessionState } from './session-state.js';

export const USER_AT_RISK = 'user_at_risk';

export interface NewInsight {
  id: string;
  insight_type: string;
  severity: InsightSeverity;
  generated_at: number;
  data: InsightData;
}

/** A problem's parts as the insight's data carries them (absent parts left out). */
function problemFields(p: Problem & { problem: string }): Record<string, string> {
  return {
    problem: p.problem,
    ...(p.factor ? { factor: p.factor } : {}),
    ...(p.path ? { path: p.path } : {}),
  };
}

/**
 * Stores an insight of the session. A problem insight also gets its problem key and factor
 * (processor/problem-key.ts), as columns queries group identical problems by, and with the page
 * path in its data.
 */
export function recordInsight(ctx: ProcessingContext, s: SessionState, insight: NewInsight): InsightRecord {
  const problem = problemOf(insight.insight_type, insight.data.risk_factors, s.page_path ?? '');
  const record: InsightRecord = {
    ...insight,
    data: problem ? { ...insight.data, ...problemFields(problem) } : insight.data,
    project_id: s.project_id,
    session_id: s.session_id,
    distinct_id: s.distinct_id,
    status: 'open',
    created_at: ctx.wallNow(),
    time_range: 'real_time',
    problem: problem?.problem ?? '',
    factor: problem?.factor ?? '',
  };
  ctx.out.insights.push(record);
  return record;
}

/**
 * Turns detections made at one moment into one `user_at_risk` insight (and maybe an intervention).
 * A factor already reported for this session within INSIGHT_COOLDOWN_MS (event time) is left out.
 */
export function recordRisk(ctx: ProcessingContext, s: SessionState, detections: readonly Detection[]): void {
  const fresh = detections.filter((d) => {
    const last = s.last_reported[d.factor];
    return last === undefined || d.at - last >= INSIGHT_COOLDOWN_MS;
  });
  if (fresh.length === 0) return;
  // One order for factors, whatever order the detectors ran in.
  const factors: RiskFactor[] = RISK_FACTORS.filter((f) => fresh.some((d) => d.factor === f));
  const at = Math.max(...fresh.map((d) => d.at));
  for (const d of fresh) {
    s.last_reported[d.factor] = d.at;
    s.friction_factors[d.factor] = (s.friction_factors[d.factor] ?? 0) + 1;
    s.friction_score += frictionFactor(d.factor).weight;
  }
  const evidence = [...new Set(fresh.flatMap((d) => d.evidence))];
  const insight = recordInsight(ctx, s, {
    id: stableId('ins', s.project_id, s.session_id, USER_AT_RISK, at, factors.join(',')),
    insight_type: USER_AT_RISK,
    severity: severityFor(factors, s.friction_score),
    generated_at: at,
    data: {
      risk_factors: factors,
      recommended_actions: recommendationsFor(factors),
      evidence,
      friction_score: s.friction_score,
    },
  });
  ctx.out.friction.set(`${s.project_id}\u001f${s.session_id}`, {
    project_id: s.project_id,
    session_id: s.session_id,
    distinct_id: s.distinct_id,
    friction_score: s.friction_score,
    factors: { ...s.friction_factors },
    updated_at: at,
  });
  recordIntervention(ctx, s, insight);
}
