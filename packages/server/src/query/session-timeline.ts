import {
  FRICTION_FACTOR_IDS,
  type FrictionFactorId,
  type InsightView,
  type SessionClient,
  type SessionTimelineResult,
  screenOf,
  sessionTimelineArgs,
  type TimelineEvent,
  type TimelineIntervention,
  timelineDetails,
} from '@sightline/schema';
import { sql } from '../sql/sql.js';
import type { QueryRow } from '../storage/engine.js';
import { toInsightView } from './insights.js';
import { defineQuery } from './registry.js';
import { eventScope, limitClause } from './scope.js';

/**
 * One session as a story: its events in order (timestamp, then seq), each with the properties that
 * say what happened (`details`, from the one list in @sightline/schema timeline-details.ts) and the
 * friction it is evidence of; the session's browser and device once; the processor's insights in
 * order of `generated_at` and its interventions placed at their insight's moment (both event time,
 * the events' clock, so a viewer can put each between the events around it).
 */
export const sessionTimelineQuery = defineQuery({
  name: 'session_timeline',
  reads: ['events', 'insights', 'interventions'],
  args: sessionTimelineArgs,
  async run({ engine, projectId, now }, args): Promise<SessionTimelineResult> {
    const scope = eventScope(projectId, args.time_range, now);
    const [rows, insightRows, interventionRows] = await Promise.all([
      engine.query(
        sql`SELECT uuid, seq, timestamp, event, path, properties, browser, os, device FROM events
            WHERE ${scope.where} AND session_id = ${args.session_id}
            ORDER BY timestamp ASC, seq ASC ${limitClause(args.limit)}`,
      ),
      engine.query(
        sql`SELECT id, insight_type, severity, session_id, distinct_id, status, data, generated_at,
                   created_at, status_changed_at, time_range
            FROM insights WHERE project_id = ${projectId} AND session_id = ${args.session_id}
            ORDER BY generated_at ASC, id ASC`,
      ),
      engine.query(
        sql`SELECT id, insight_id, rule_id, action, message, risk_factors, held_out, created_at,
                   delivered_at, shown_at, result, result_at
            FROM interventions WHERE project_id = ${projectId} AND session_id = ${args.session_id}
            ORDER BY created_at ASC, id ASC`,
      ),
    ]);
    const insights = insightRows.map(toInsightView);
    const frictionOf = evidenceIndex(insights);
    const events = rows.map((r): TimelineEvent => {
      const uuid = String(r['uuid']);
      const event = String(r['event']);
      const path = String(r['path']);
      const properties = parseJson(String(r['properties'] ?? ''), {});
      return {
        uuid,
        seq: Number(r['seq']),
        timestamp: Number(r['timestamp']),
        event,
        path,
        properties,
        details: timelineDetails({ event, path, properties }),
        friction: frictionOf.get(uuid) ?? [],
      };
    });
    const insightTimes = new Map(insights.map((i) => [i.id, i.generated_at]));
    const interventions = interventionRows
      .map((r) => toTimelineIntervention(r, insightTimes))
      .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
    return { session_id: args.session_id, client: sessionClient(rows), events, insights, interventions };
  },
});

const isFrictionFactor = (factor: string): factor is FrictionFactorId =>
  (FRICTION_FACTOR_IDS as readonly string[]).includes(factor);

/**
 * Event uuid → the friction factors (catalogue ids) of the insights citing it as evidence, in the
 * insights' order. Journey outcomes cite their first and last event too, but they are not friction
 * of those events: they are shown as their own insight, at their own time.
 */
function evidenceIndex(insights: readonly InsightView[]): Map<string, FrictionFactorId[]> {
  const index = new Map<string, FrictionFactorId[]>();
  for (const insight of insights) {
    const factors = (insight.data.risk_factors ?? []).filter(isFrictionFactor);
    if (factors.length === 0) continue;
    for (const uuid of insight.data.evidence ?? []) {
      const marked = index.get(uuid) ?? [];
      for (const factor of factors) if (!marked.includes(factor)) marked.push(factor);
      index.set(uuid, marked);
    }
  }
  return index;
}

/**
 * The session's client: the first event that names a browser (the SDK's own events carry a
 * User-Agent; server-side events may not), and the first screen size any event gives.
 */
function sessionClient(rows: readonly QueryRow[]): SessionClient | null {
  if (rows.length === 0) return null;
  const named = rows.find((r) => String(r['browser'] ?? '') !== '') ?? rows[0]!;
  let screen: string | null = null;
  for (const r of rows) {
    screen = screenOf(parseJson(String(r['properties'] ?? ''), null));
    if (screen) break;
  }
  return {
    browser: String(named['browser'] ?? ''),
    os: String(named['os'] ?? ''),
    device: String(named['device'] ?? ''),
    screen,
  };
}

const nullableNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toTimelineIntervention(
  r: QueryRow,
  insightTimes: ReadonlyMap<string, number>,
): TimelineIntervention {
  const insightId = String(r['insight_id']);
  const riskFactors = parseJson(String(r['risk_factors'] ?? ''), []);
  return {
    id: String(r['id']),
    insight_id: insightId,
    rule_id: String(r['rule_id']),
    action: String(r['action']),
    message: String(r['message']),
    risk_factors: Array.isArray(riskFactors) ? riskFactors.map(String) : [],
    held_out: r['held_out'] === true || Number(r['held_out']) === 1,
    at: insightTimes.get(insightId) ?? Number(r['created_at']),
    delivered_at: nullableNumber(r['delivered_at']),
    shown_at: nullableNumber(r['shown_at']),
    result: r['result'] === null || r['result'] === undefined ? null : String(r['result']),
    result_at: nullableNumber(r['result_at']),
  };
}

/** Stored JSON text as a value; text that is not JSON as itself (never for the processor's own columns). */
function parseJson(text: string, empty: unknown): unknown {
  if (text === '') return empty;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
