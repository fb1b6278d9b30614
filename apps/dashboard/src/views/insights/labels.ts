import type { InsightGroup } from '@sightline/schema/query-results';
import { OUTCOME_INSIGHT_TYPES } from '@sightline/schema/query-results';
import type { FrictionKind } from '../../api/types';
import { humanize } from '../../format';
import { FRICTION_LABELS } from '../drop-offs';

/** What a type of insight is called when it has no factor to name it by. */
const TYPE_LABELS: Record<string, string> = {
  user_at_risk: 'Sessions at risk',
  journey_abandoned: 'Journeys abandoned',
  journey_completed: 'Journeys completed',
};

export const typeLabel = (type: string): string => TYPE_LABELS[type] ?? humanize(type);
export const factorLabel = (factor: FrictionKind): string => FRICTION_LABELS[factor];
export const FACTORS = Object.keys(FRICTION_LABELS) as FrictionKind[];

export const isOutcome = (type: string): boolean =>
  (OUTCOME_INSIGHT_TYPES as readonly string[]).includes(type);

/** "Stalled uploads on /upload": the factor (or type) and the page the sessions were on. */
export function problemTitle(group: Pick<InsightGroup, 'insight_type' | 'factor' | 'path'>): string {
  const what = group.factor ? factorLabel(group.factor) : typeLabel(group.insight_type);
  return group.path ? `${what} on ${group.path}` : what;
}
