import {
  FRICTION_FACTOR_IDS,
  type FrictionFactorId,
  OUTCOME_INSIGHT_TYPES,
  PROBLEM_KEY_MAX_LENGTH,
} from '@sightline/schema';
import { frictionFactor } from '../friction/catalogue.js';
import { inList, raw, type SqlFragment, sql } from '../sql/sql.js';

/**
 * What makes two insights the same problem: the insight type, the friction factor and the page
 * path ("upload stall on /upload"). Defined here once: the processor stores each problem
 * insight's key and factor in columns of their own (`problem`, `factor`: grouping by them costs
 * no JSON parsing) and in its data with the page path (`data.problem`, `data.factor`, `data.path`,
 * for whoever reads the insight); the queries group and filter by the SQL below, and the group
 * status route selects by it.
 *
 * Key text: `<insight type>:<factor>:<path>`. Types and factor ids never contain `:`, so the
 * first two separate the parts whatever the path holds; an absent factor or path is empty.
 */
export interface Problem {
  insight_type: string;
  factor: FrictionFactorId | null;
  path: string | null;
}

const SEPARATOR = ':';
const FACTOR_IDS: ReadonlySet<string> = new Set(FRICTION_FACTOR_IDS);
const OUTCOMES: ReadonlySet<string> = new Set(OUTCOME_INSIGHT_TYPES);

/** Outcome insights (a journey completed) are counted, never grouped as problems. */
export const isOutcomeType = (insightType: string): boolean => OUTCOMES.has(insightType);

/**
 * The factor an insight is filed under when it names several (detected at the same moment): the
 * heaviest in the catalogue, then the first in catalogue order. Entries that are not catalogue
 * factors (e.g. `journey_abandoned`) are ignored; null when none is left.
 */
export function primaryFactor(riskFactors: readonly string[] | undefined): FrictionFactorId | null {
  let best: FrictionFactorId | null = null;
  for (const id of FRICTION_FACTOR_IDS) {
    if (!riskFactors?.includes(id)) continue;
    if (best === null || frictionFactor(id).weight > frictionFactor(best).weight) best = id;
  }
  return best;
}

/** The key of a problem; the path is trimmed so the key fits PROBLEM_KEY_MAX_LENGTH. */
export function problemKey(problem: Problem): string {
  const head = `${problem.insight_type}${SEPARATOR}${problem.factor ?? ''}${SEPARATOR}`;
  let path = (problem.path ?? '').slice(0, Math.max(0, PROBLEM_KEY_MAX_LENGTH - head.length));
  // Never end on half a surrogate pair: the key is stored as JSON text and compared as SQL text.
  if (/[\uD800-\uDBFF]$/.test(path)) path = path.slice(0, -1);
  return head + path;
}

/** The parts of a key from problemKey (or of an older insight's fallback key, `<type>::`). */
export function parseProblemKey(key: string): Problem {
  const first = key.indexOf(SEPARATOR);
  const second = first < 0 ? -1 : key.indexOf(SEPARATOR, first + 1);
  if (second < 0) return { insight_type: key, factor: null, path: null };
  const factor = key.slice(first + 1, second);
  const path = key.slice(second + 1);
  return {
    insight_type: key.slice(0, first),
    factor: FACTOR_IDS.has(factor) ? (factor as FrictionFactorId) : null,
    path: path === '' ? null : path,
  };
}

/** A problem insight's key and parts, as the processor stores them; null for an outcome. */
export function problemOf(
  insightType: string,
  riskFactors: readonly string[] | undefined,
  path: string,
): (Problem & { problem: string }) | null {
  if (isOutcomeType(insightType)) return null;
  const parts: Problem = {
    insight_type: insightType,
    factor: primaryFactor(riskFactors),
    path: path === '' ? null : path,
  };
  return { ...parts, problem: problemKey(parts) };
}

/**
 * SQL over the `insights` table: a row's problem key (its `problem` column). Rows stored before
 * keys existed have '' there and fall back to their type's key (`<type>::`), so they still group
 * (by type) and filter.
 */
export function problemKeySql(): SqlFragment {
  return sql`(CASE WHEN problem = '' THEN concat(insight_type, ${`${SEPARATOR}${SEPARATOR}`}) ELSE problem END)`;
}

/** SQL over the `insights` table: the row is an outcome (OUTCOME_INSIGHT_TYPES). */
export function isOutcomeSql(): SqlFragment {
  return inList(raw('insight_type'), OUTCOME_INSIGHT_TYPES);
}
