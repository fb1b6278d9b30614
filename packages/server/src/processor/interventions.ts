import type { InsightRecord } from '../storage/processor-records.js';
import type { ProcessingContext } from './context.js';
import { stableId } from './ids.js';
import { isHeldOut, matchRule } from './intervention-rules.js';
import type { SessionState } from './session-state.js';

/** One intervention per (session, rule) within this much event time: a user is not nagged twice. */
export const INTERVENTION_COOLDOWN_MS = 5 * 60_000;

/**
 * The intervention a project's rules give for an insight. Hold-out sessions get one recorded as
 * held out (never delivered), so the effect of interventions can be measured against them.
 */
export function recordIntervention(ctx: ProcessingContext, s: SessionState, insight: InsightRecord): void {
  const rule = matchRule(ctx.rulesFor(insight.project_id), insight.insight_type, insight.data.risk_factors);
  if (!rule) return;
  const last = s.last_intervention[rule.id];
  if (last !== undefined && insight.generated_at - last < INTERVENTION_COOLDOWN_MS) return;
  s.last_intervention[rule.id] = insight.generated_at;
  ctx.out.interventions.push({
    id: stableId('int', insight.id),
    project_id: insight.project_id,
    session_id: insight.session_id,
    distinct_id: insight.distinct_id,
    insight_id: insight.id,
    insight_type: insight.insight_type,
    rule_id: rule.id,
    action: rule.action,
    message: rule.message,
    risk_factors: insight.data.risk_factors,
    held_out: isHeldOut(insight.session_id, ctx.holdoutPercent),
    created_at: insight.created_at,
    delivered_at: null,
    shown_at: null,
    result: null,
    result_at: null,
  });
}
