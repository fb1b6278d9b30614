import {
  FRICTION_FACTOR_IDS,
  INSIGHT_STATUSES,
  type InsightKind,
  type InsightStatus,
  OUTCOME_INSIGHT_TYPES,
} from '@sightline/schema';
import { problemOf } from '../../src/processor/problem-key.js';
import { createRng } from '../../src/simulate/index.js';
import type { InsightRecord } from '../../src/storage/processor-records.js';
import { makeInsight } from '../support/processor-records.js';

/** A generated insight and what it was made to be, to count from independently of SQL. */
export interface ExpectedInsight {
  record: InsightRecord;
  factor: string;
  /** Its problem key; for the rows written the older way, the type's fallback key. */
  problem: string;
}

const PATHS = ['/upload', '/checkout', '/demo/', ''];
const TYPES = ['user_at_risk', 'user_at_risk', 'user_at_risk', 'journey_abandoned', 'journey_completed'];

/**
 * `count` insights of `projectId` spread over [from, from + spanMs): every type, factor, status
 * and a few paths, seeded; every 13th stored the way insights were before problem keys (empty
 * `problem` and `factor`), so those group by their type and count under no factor.
 */
export function generateInsights(
  projectId: string,
  count: number,
  from: number,
  spanMs: number,
  seed = 1,
): ExpectedInsight[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => {
    const type = TYPES[rng.int(0, TYPES.length - 1)]!;
    const risk =
      type === 'user_at_risk'
        ? [
            FRICTION_FACTOR_IDS[rng.int(0, FRICTION_FACTOR_IDS.length - 1)]!,
            ...(rng.next() < 0.2 ? [FRICTION_FACTOR_IDS[rng.int(0, FRICTION_FACTOR_IDS.length - 1)]!] : []),
          ]
        : type === 'journey_abandoned'
          ? ['journey_abandoned']
          : [];
    const path = PATHS[rng.int(0, PATHS.length - 1)]!;
    const legacy = i % 13 === 0;
    const problem = legacy ? null : problemOf(type, risk, path);
    const record = makeInsight({
      id: `ins_${projectId}_${String(i).padStart(5, '0')}`,
      project_id: projectId,
      insight_type: type,
      session_id: `s${rng.int(0, count / 3)}`,
      status: INSIGHT_STATUSES[rng.int(0, INSIGHT_STATUSES.length - 1)]!,
      // Several insights share a millisecond: the cursor must order them by id.
      generated_at: from + Math.floor((rng.next() * spanMs) / 50) * 50,
      data: { risk_factors: risk, recommended_actions: [], evidence: [] },
      problem: problem?.problem ?? '',
      factor: problem?.factor ?? '',
    });
    return { record, factor: problem?.factor ?? '', problem: problem?.problem ?? `${type}::` };
  });
}

export interface CountArgs {
  insight_type?: string;
  kind?: InsightKind;
  factor?: string;
  status?: InsightStatus;
}

const kindOk = (kind: InsightKind | undefined, type: string) =>
  !kind ||
  kind === 'all' ||
  (kind === 'outcomes') === (OUTCOME_INSIGHT_TYPES as readonly string[]).includes(type);

/**
 * The counts the insights query must answer, from the generated rows: each dimension counted
 * with the other filters applied and not its own.
 */
export function expectedCounts(rows: readonly ExpectedInsight[], args: CountArgs) {
  const typeOk = (r: ExpectedInsight) =>
    (!args.insight_type || r.record.insight_type === args.insight_type) &&
    kindOk(args.kind, r.record.insight_type);
  const factorOk = (r: ExpectedInsight) => !args.factor || r.factor === args.factor;
  const statusOk = (r: ExpectedInsight) => !args.status || r.record.status === args.status;
  const tally = (keep: (r: ExpectedInsight) => boolean, key: (r: ExpectedInsight) => string) => {
    const out: Record<string, number> = {};
    for (const r of rows) if (keep(r)) out[key(r)] = (out[key(r)] ?? 0) + 1;
    return out;
  };
  const byFactor = tally(
    (r) => typeOk(r) && statusOk(r) && r.factor !== '',
    (r) => r.factor,
  );
  const byStatus = tally(
    (r) => typeOk(r) && factorOk(r),
    (r) => r.record.status,
  );
  return {
    total: rows.filter((r) => typeOk(r) && factorOk(r) && statusOk(r)).length,
    // Every type present has its count, 0 when the other filters leave none of it.
    by_type: {
      ...Object.fromEntries(rows.map((r) => [r.record.insight_type, 0])),
      ...tally(
        (r) => factorOk(r) && statusOk(r),
        (r) => r.record.insight_type,
      ),
    },
    by_factor: Object.fromEntries(FRICTION_FACTOR_IDS.map((f) => [f, byFactor[f] ?? 0])),
    by_status: Object.fromEntries(INSIGHT_STATUSES.map((s) => [s, byStatus[s] ?? 0])),
  };
}
