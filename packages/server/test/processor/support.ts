import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULES } from '../../src/processor/intervention-rules.js';
import { type ProcessorOptions, StreamProcessor } from '../../src/processor/processor.js';
import { sql } from '../../src/sql/sql.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import type { EventRow, QueryRow, StorageEngine } from '../../src/storage/engine.js';

export const T0 = 1_700_000_000_000;
export const WALL = 1_800_000_000_000;

let counter = 0;

/** A stored event with properties as an object; received 50 ms after it happened. */
export function ev(
  event: string,
  timestamp: number,
  properties: Record<string, unknown> = {},
  overrides: Partial<EventRow> = {},
): EventRow {
  return {
    project_id: 'p1',
    uuid: `e${String(++counter).padStart(6, '0')}`,
    event,
    distinct_id: 'user-1',
    session_id: 'sess-a',
    timestamp,
    received_at: timestamp + 50,
    url: '',
    path: '',
    referrer: '',
    browser: '',
    os: '',
    device: '',
    properties: JSON.stringify(properties),
    ...overrides,
  };
}

export async function openTestEngine(dir = mkdtempSync(join(tmpdir(), 'sightline-proc-'))) {
  const path = join(dir, 'test.duckdb');
  return { engine: await openDuckDbEngine({ path }), reopen: () => openDuckDbEngine({ path }) };
}

/** A processor with no wall-clock sweep, a fixed wall clock and the default rules. */
export function testProcessor(
  engine: StorageEngine,
  options: Partial<ProcessorOptions> = {},
): StreamProcessor {
  return new StreamProcessor(engine, () => DEFAULT_RULES, {
    sweepIntervalMs: 0,
    wallClock: () => WALL,
    holdoutPercent: 0,
    snapshotIntervalMs: 0,
    ...options,
  });
}

const parseJsonColumns = (row: QueryRow, columns: string[]) => {
  const out: Record<string, unknown> = { ...row };
  for (const c of columns) out[c] = JSON.parse(String(row[c]));
  return out;
};

/** Everything the processor stored, in a stable order, JSON columns parsed. */
export async function storedOutputs(engine: StorageEngine) {
  const journeys = await engine.query(sql`SELECT * FROM journeys ORDER BY id`);
  const insights = await engine.query(sql`SELECT * FROM insights ORDER BY generated_at, id`);
  const interventions = await engine.query(sql`SELECT * FROM interventions ORDER BY id`);
  const friction = await engine.query(sql`SELECT * FROM session_friction ORDER BY project_id, session_id`);
  return {
    journeys: journeys.map((r) => parseJsonColumns(r, ['steps'])),
    insights: insights.map((r) => parseJsonColumns(r, ['data'])),
    interventions: interventions.map((r) => parseJsonColumns(r, ['risk_factors'])),
    friction: friction.map((r) => parseJsonColumns(r, ['factors'])),
  };
}

/** Inserts and processes everything. */
export async function processAll(
  engine: StorageEngine,
  rows: EventRow[],
  options: Partial<ProcessorOptions> = {},
) {
  await engine.insertEvents(rows);
  const processor = testProcessor(engine, options);
  await processor.start();
  await processor.drain();
  return processor;
}
