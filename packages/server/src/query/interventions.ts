import {
  type InterventionGroup,
  type InterventionRuleReport,
  type InterventionsResult,
  interventionsArgs,
  resolveTimeRange,
} from '@sightline/schema';

export type { InterventionRuleReport };

import { sql } from '../sql/sql.js';
import type { QueryRow } from '../storage/engine.js';
import { compareCompletion } from './completion-comparison.js';
import { andMaybe, sessionsInRangeMeetingFilters } from './filtered-sessions.js';
import { defineQuery } from './registry.js';

const emptyGroup = (): InterventionGroup => ({
  sessions: 0,
  interventions: 0,
  delivered: 0,
  shown: 0,
  journeys: 0,
  completed_journeys: 0,
  completion_rate: null,
});

const isHeldOut = (r: QueryRow) => r['held_out'] === true || Number(r['held_out']) === 1;

/**
 * The effect of interventions per rule: sessions that got one vs sessions of the hold-out group,
 * and how often each completed the project's key journey (ctx.settings). Without a key journey the
 * journey fields stay empty (0 journeys, completion null) and `key_journey: null` says why: other
 * journeys of a session say nothing about what the project wants its users to finish. Each rule's
 * `comparison` gives the difference of completion rates with its 95 % interval, and a verdict only
 * once both groups have enough key journeys (completion-comparison.ts). With the common `filters`,
 * only interventions of sessions with an event in the range meeting every filter count.
 */
export const interventionsQuery = defineQuery({
  name: 'interventions',
  // Events too: with filters, an event can bring a session (and its interventions) into the answer.
  reads: ['interventions', 'journeys', 'settings'],
  args: interventionsArgs,
  async run({ engine, projectId, now, settings }, args): Promise<InterventionsResult> {
    const keyJourney = settings.key_journey;
    const { from, to } = resolveTimeRange(args.time_range, now);
    const sessions = sessionsInRangeMeetingFilters(engine.dialect, projectId, { from, to }, args.filters);
    const scope = sql`project_id = ${projectId} AND created_at >= ${from} AND created_at < ${to}${andMaybe(sessions)}`;
    const [counts, journeys] = await Promise.all([
      engine.query(
        sql`SELECT rule_id, action, held_out, count(DISTINCT session_id) AS sessions, count(*) AS interventions,
                   sum(CASE WHEN delivered_at IS NULL THEN 0 ELSE 1 END) AS delivered,
                   sum(CASE WHEN shown_at IS NULL THEN 0 ELSE 1 END) AS shown
            FROM interventions WHERE ${scope} GROUP BY rule_id, action, held_out`,
      ),
      keyJourney === null
        ? []
        : engine.query(
            sql`SELECT s.rule_id AS rule_id, s.held_out AS held_out, count(*) AS journeys,
                   sum(CASE WHEN j.status = 'completed' THEN 1 ELSE 0 END) AS completed
            FROM (SELECT DISTINCT rule_id, held_out, session_id FROM interventions WHERE ${scope}) s
            JOIN (SELECT session_id, status FROM journeys
                  WHERE project_id = ${projectId} AND journey_name = ${keyJourney}) j
              ON j.session_id = s.session_id
            GROUP BY s.rule_id, s.held_out`,
          ),
    ]);
    const reports = new Map<string, InterventionRuleReport>();
    for (const r of counts) {
      const id = String(r['rule_id']);
      const report = reports.get(id) ?? {
        rule_id: id,
        action: String(r['action']),
        targeted: emptyGroup(),
        held_out: emptyGroup(),
        comparison: compareCompletion(emptyGroup(), emptyGroup()),
      };
      reports.set(id, report);
      const group = isHeldOut(r) ? report.held_out : report.targeted;
      group.sessions += Number(r['sessions']);
      group.interventions += Number(r['interventions']);
      group.delivered += Number(r['delivered'] ?? 0);
      group.shown += Number(r['shown'] ?? 0);
    }
    for (const r of journeys) {
      const report = reports.get(String(r['rule_id']));
      if (!report) continue;
      const group = isHeldOut(r) ? report.held_out : report.targeted;
      group.journeys += Number(r['journeys']);
      group.completed_journeys += Number(r['completed'] ?? 0);
    }
    for (const report of reports.values()) {
      for (const group of [report.targeted, report.held_out])
        group.completion_rate = group.journeys > 0 ? group.completed_journeys / group.journeys : null;
      report.comparison = compareCompletion(report.targeted, report.held_out);
    }
    return {
      rules: [...reports.values()].sort((a, b) => a.rule_id.localeCompare(b.rule_id)),
      key_journey: keyJourney,
    };
  },
});
