import { join, raw, type SqlFragment, sql } from '../../sql/sql.js';
import type { QueryContext } from '../registry.js';
import { eventScope } from '../scope.js';
import { type FunnelEvent, type UnitOutcome, unitOutcome } from './core.js';
import {
  breakdownSql,
  type FunnelSpec,
  funnelEventsCondition,
  startCondition,
  stepCondition,
  stepsOverlap,
} from './spec.js';

/** Units are packed into this many result rows: moving rows out of the engine is what costs. */
const PACKED_ROWS = 64;
/** At most about this many units are matched at once, so memory stays bounded however many there are. */
const UNITS_PER_CHUNK = 50_000;

/**
 * Each unit's outcome, matched in TypeScript (core.ts), the same for every engine: for
 * funnels that repeat a step name, and for the units the SQL chain leaves open (chain.ts).
 * SQL narrows to the step events of units that started in the range (a plain filter and an IN
 * sub-query, valid on every engine), optionally only units in `onlyUnits` (a query of unit ids),
 * and packs them as text: per unit `hex(unit)=hex(breakdown)=steps:timestamp:seq,…` (steps: the
 * bits of the steps the event matches, FunnelEvent.steps), units joined by ';' into PACKED_ROWS
 * rows. With more than UNITS_PER_CHUNK units (`expectedUnits`), units are split by a hash into
 * chunks read one after another; `visit` sees each outcome once.
 */
export async function visitFunnelOutcomes(
  ctx: QueryContext,
  spec: FunnelSpec,
  onlyUnits: SqlFragment | null,
  expectedUnits: number,
  visit: (outcome: UnitOutcome) => void,
  unitsPerChunk = UNITS_PER_CHUNK,
): Promise<void> {
  const { engine, projectId, now } = ctx;
  const { dialect } = engine;
  const scope = eventScope(projectId, spec.time_range, now);
  const unit = raw(spec.unit === 'user' ? 'distinct_id' : 'session_id');
  // Searched CASEs: ClickHouse 18.16 answers NULL for `CASE event WHEN 'a' THEN 0 … END`.
  const bits = join(
    spec.steps.map(
      (_, k) => sql`CASE WHEN ${stepCondition(spec, k, dialect)} THEN ${raw(String(2 ** k))} ELSE 0 END`,
    ),
    ' + ',
  );
  const text = dialect.toText;
  const event = sql`concat(${text(sql`(${bits})`)}, ':', ${text(raw('timestamp'))}, ':', ${text(raw('seq'))})`;
  const startedUnits =
    onlyUnits ?? sql`SELECT ${unit} FROM events WHERE ${scope.where} AND ${startCondition(spec, dialect)}`;
  // The unit's breakdown: the property on its earliest start (by timestamp, then seq).
  const breakdown = spec.breakdown
    ? dialect.argMinIf(
        breakdownSql(spec.breakdown, dialect),
        [raw('timestamp'), raw('seq')],
        stepCondition(spec, 0, dialect),
      )
    : sql`''`;
  const overlapping = stepsOverlap(spec);
  const chunks = Math.max(1, Math.ceil(expectedUnits / unitsPerChunk));
  for (let chunk = 0; chunk < chunks; chunk++) {
    const inChunk =
      chunks > 1 ? sql`AND ${dialect.hashBucket(unit, chunks)} = ${raw(String(chunk))}` : raw('');
    const perUnit = sql`SELECT ${unit} AS unit, min(seq) AS first_seq, ${breakdown} AS bval,
        ${dialect.stringAgg(event, ',')} AS events
      FROM events
      WHERE ${scope.where} AND ${funnelEventsCondition(spec, dialect)} AND ${unit} <> '' ${inChunk}
        AND ${unit} IN (${startedUnits})
      GROUP BY ${unit}`;
    const packedUnit = sql`concat(${dialect.hex(raw('unit'))}, '=', ${dialect.hex(raw('bval'))}, '=', events)`;
    const rows = await engine.query(
      sql`SELECT ${dialect.stringAgg(packedUnit, ';')} AS packed FROM (${perUnit}) AS units
          GROUP BY first_seq % ${raw(String(PACKED_ROWS))}`,
    );
    for (const row of rows) {
      for (const packed of String(row['packed'] ?? '').split(';')) {
        const outcome = unitOutcome(unpackUnit(packed), spec.steps.length, spec.window_ms, overlapping);
        if (outcome) visit(outcome);
      }
    }
  }
}

function unpackUnit(packed: string): FunnelEvent[] {
  const [hexUnit = '', hexBreakdown = '', list = ''] = packed.split('=');
  const unit = Buffer.from(hexUnit, 'hex').toString('utf8');
  const breakdown = Buffer.from(hexBreakdown, 'hex').toString('utf8');
  return list.split(',').map((item) => {
    const [steps, timestamp, seq] = item.split(':');
    return {
      unit,
      steps: Number(steps),
      timestamp: Number(timestamp),
      seq: Number(seq),
      breakdown,
    };
  });
}
