import { type TimeRange, timeRangeSchema } from '@sightline/schema';
import { z } from 'zod';
import {
  type FunnelEvent,
  type FunnelStepResult,
  summarizeFunnel,
  type UnitOutcome,
  unitOutcome,
} from './funnel-core.js';
import { defineQuery, type QueryContext } from './registry.js';
import { eventScope, inList } from './scope.js';
import { raw, sql } from './sql.js';

/** The original spec's upload funnel. */
export const DEFAULT_FUNNEL_STEPS = [
  'page_view',
  'file_selected',
  'upload_started',
  'upload_complete',
  'analysis_complete',
] as const;
export const DEFAULT_FUNNEL_WINDOW_MS = 3_600_000;
/** Breakdown values beyond this many (by units that started, most first) are left out. */
export const MAX_BREAKDOWN_VALUES = 50;

export const funnelStepsSchema = z
  .array(z.string().min(1).max(200))
  .min(2)
  .max(10)
  .default([...DEFAULT_FUNNEL_STEPS]);

export interface FunnelSpec {
  time_range: TimeRange;
  steps: string[];
  unit: 'session' | 'user';
  window_ms: number;
  breakdown?: string | undefined;
}

export const funnelArgs = z.object({
  time_range: timeRangeSchema.default('24h'),
  steps: funnelStepsSchema,
  unit: z.enum(['session', 'user']).default('session'),
  window_ms: z
    .number()
    .int()
    .min(0)
    .max(90 * 86_400_000)
    .default(DEFAULT_FUNNEL_WINDOW_MS),
  breakdown: z.string().min(1).max(200).optional(),
});

export interface FunnelResult {
  steps: FunnelStepResult[];
  breakdowns?: Array<{ value: string; steps: FunnelStepResult[] }>;
}

/** Units are packed into this many result rows: moving rows out of the engine is what costs. */
const PACKED_ROWS = 64;

/**
 * Each unit's outcome. SQL narrows to the step events of units that started in the range (a plain
 * filter and an IN sub-query, valid on every engine) and packs them as text: per unit
 * `hex(unit)=name:timestamp:seq,…`, units joined by ';' into PACKED_ROWS rows (by first seq). The
 * ordered matching then runs in TypeScript (funnel-core.ts), the same for every engine.
 */
export async function loadFunnelOutcomes(ctx: QueryContext, spec: FunnelSpec): Promise<UnitOutcome[]> {
  const { engine, projectId, now } = ctx;
  const { dialect } = engine;
  const scope = eventScope(projectId, spec.time_range, now);
  const unit = raw(spec.unit === 'user' ? 'distinct_id' : 'session_id');
  const names = [...new Set(spec.steps)];
  let code = raw('CASE event');
  names.forEach((name, i) => {
    code = sql`${code} WHEN ${name} THEN ${raw(String(i))}`;
  });
  const text = dialect.toText;
  const event = sql`concat(${text(sql`${code} END`)}, ':', ${text(raw('timestamp'))}, ':', ${text(raw('seq'))})`;
  const startedUnits = sql`SELECT ${unit} FROM events WHERE ${scope.where} AND event = ${spec.steps[0] as string}`;
  const perUnit = sql`SELECT ${unit} AS unit, min(seq) AS first_seq, ${dialect.stringAgg(event, ',')} AS events
    FROM events
    WHERE ${scope.where} AND ${inList(raw('event'), names)} AND ${unit} <> '' AND ${unit} IN (${startedUnits})
    GROUP BY ${unit}`;
  const packedUnit = sql`concat(${dialect.hex(raw('unit'))}, '=', events)`;
  const [rows, breakdownBySeq] = await Promise.all([
    engine.query(
      sql`SELECT ${dialect.stringAgg(packedUnit, ';')} AS packed FROM (${perUnit}) AS units
          GROUP BY first_seq % ${raw(String(PACKED_ROWS))}`,
    ),
    spec.breakdown ? loadBreakdownValues(ctx, spec, spec.breakdown) : Promise.resolve(null),
  ]);
  const outcomes: UnitOutcome[] = [];
  for (const row of rows) {
    for (const packed of String(row['packed'] ?? '').split(';')) {
      const outcome = unitOutcome(unpackUnit(packed, names, breakdownBySeq), spec.steps, spec.window_ms);
      if (outcome) outcomes.push(outcome);
    }
  }
  return outcomes;
}

function unpackUnit(
  packed: string,
  names: readonly string[],
  breakdownBySeq: Map<number, string> | null,
): FunnelEvent[] {
  const [hexUnit = '', list = ''] = packed.split('=');
  const unit = Buffer.from(hexUnit, 'hex').toString('utf8');
  return list.split(',').map((item) => {
    const [nameIndex, timestamp, seq] = item.split(':');
    return {
      unit,
      event: names[Number(nameIndex)] as string,
      timestamp: Number(timestamp),
      seq: Number(seq),
      breakdown: breakdownBySeq?.get(Number(seq)) ?? '',
    };
  });
}

/** The breakdown property of every step-1 event in the range, by seq (a unit's value is its earliest start's). */
async function loadBreakdownValues(
  { engine, projectId, now }: QueryContext,
  spec: FunnelSpec,
  property: string,
): Promise<Map<number, string>> {
  const scope = eventScope(projectId, spec.time_range, now);
  const rows = await engine.query(
    sql`SELECT seq, ${engine.dialect.jsonString(raw('properties'), property)} AS value FROM events
        WHERE ${scope.where} AND event = ${spec.steps[0] as string}`,
  );
  return new Map(rows.map((r) => [Number(r['seq']), String(r['value'] ?? '')]));
}

/** Groups outcomes by breakdown value, most units first (ties by value). */
function breakdowns(spec: FunnelSpec, outcomes: readonly UnitOutcome[]): FunnelResult['breakdowns'] {
  const groups = new Map<string, UnitOutcome[]>();
  for (const o of outcomes) {
    const list = groups.get(o.breakdown);
    if (list) list.push(o);
    else groups.set(o.breakdown, [o]);
  }
  return [...groups.entries()]
    .sort(([va, a], [vb, b]) => b.length - a.length || (va < vb ? -1 : va > vb ? 1 : 0))
    .slice(0, MAX_BREAKDOWN_VALUES)
    .map(([value, group]) => ({ value, steps: summarizeFunnel(spec.steps, group) }));
}

export async function runFunnel(ctx: QueryContext, spec: FunnelSpec): Promise<FunnelResult> {
  const outcomes = await loadFunnelOutcomes(ctx, spec);
  const steps = summarizeFunnel(spec.steps, outcomes);
  return spec.breakdown ? { steps, breakdowns: breakdowns(spec, outcomes) } : { steps };
}

/** Ordered conversion funnel (docs/SEMANTICS.md, "Funnel"). */
export const funnelQuery = defineQuery({
  name: 'funnel',
  args: funnelArgs,
  run: (ctx, args): Promise<FunnelResult> => runFunnel(ctx, args),
});
