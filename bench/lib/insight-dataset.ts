/**
 * Insights for the query benchmark: the real stream processor run once over the generated events
 * (so insights come at the ratio the simulator's friction and journeys produce them), its insights
 * committed into the data set and kept with it in the cache. Then the insights cases, some of
 * whose arguments (a cursor, a problem key) come from the data.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_KEY_SETTINGS } from '@sightline/schema';
import { DEFAULT_RULES } from '../../packages/server/src/processor/intervention-rules.js';
import { StreamProcessor } from '../../packages/server/src/processor/processor.js';
import { RecentEvents } from '../../packages/server/src/processor/recent-events.js';
import { QUERIES } from '../../packages/server/src/query/index.js';
import { sql } from '../../packages/server/src/sql/sql.js';
import { openDuckDbEngine } from '../../packages/server/src/storage/duckdb/index.js';
import type { EventRow, StorageEngine } from '../../packages/server/src/storage/engine.js';
import { generate, PROJECT } from './query-dataset.js';

/** Events per processor batch: large batches, as when a restarted server replays its backlog. */
const REPLAY_BATCH = 100_000;

export interface InsightDataset {
  insights: number;
  /** Seconds the processor took (null: the insights were already in the data set). */
  processSeconds: number | null;
}

const insightCount = async (engine: StorageEngine): Promise<number> => {
  const [row] = await engine.query(sql`SELECT count(*) AS n FROM insights WHERE project_id = ${PROJECT}`);
  return Number(row?.['n'] ?? 0);
};

/**
 * Puts the processor's insights into the data set unless it has some. The processor runs over
 * the same seeded events generate() stored, handed over in memory as the group committer does
 * on a live server, and commits into a scratch DuckDB of its own (its journeys, state and
 * checkpoint stay there); each committed batch's insights are copied into the data set, so
 * the data set's own processor checkpoint is left alone.
 */
export async function ensureInsights(
  engine: StorageEngine,
  events: number,
  now: number,
): Promise<InsightDataset> {
  if ((await insightCount(engine)) > 0) return { insights: await insightCount(engine), processSeconds: null };
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-processor-'));
  const scratch = await openDuckDbEngine({ path: join(dir, 'processor.duckdb'), rollupRefreshMs: 0 });
  try {
    const recent = new RecentEvents(Number.POSITIVE_INFINITY);
    let seq = 0;
    const hand = (rows: EventRow[]) => {
      recent.add(rows, { firstSeq: seq + 1, inserted: new Uint8Array(rows.length).fill(1) });
      seq += rows.length;
    };
    const chunks = generate(events, now);
    const first = chunks.next();
    if (!first.done) hand(first.value);
    const processor = new StreamProcessor(
      scratch,
      () => DEFAULT_RULES,
      {
        sweepIntervalMs: 0,
        wallClock: () => now,
        batchSize: REPLAY_BATCH,
        snapshotIntervalMs: Number.POSITIVE_INFINITY,
      },
      recent,
    );
    let copied = Promise.resolve();
    processor.onCommitted(({ insights }) => {
      if (insights.length === 0) return;
      copied = copied.then(() =>
        engine.commitProcessorBatch({
          checkpoint: 0,
          journeys: [],
          insights,
          interventions: [],
          feedback: [],
          friction: [],
        }),
      );
    });
    await processor.start();
    for (const chunk of chunks) {
      await processor.drain();
      await copied;
      recent.release(processor.lastSeq);
      hand(chunk);
    }
    await processor.drain();
    await copied;
    await processor.stop();
  } finally {
    await scratch.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { insights: await insightCount(engine), processSeconds: (performance.now() - started) / 1000 };
}

async function run<T>(engine: StorageEngine, name: string, args: unknown, now: number): Promise<T> {
  const definition = QUERIES.get(name);
  if (!definition) throw new Error(`no query ${name}`);
  return (await definition.run(
    { engine, projectId: PROJECT, now, settings: DEMO_KEY_SETTINGS },
    definition.args.parse(args),
  )) as T;
}

/** The insights view's queries: the first page with counts, filters, the next page, groups, a drill-down. */
export async function insightCases(engine: StorageEngine, now: number): Promise<Array<[string, unknown]>> {
  const first = await run<{ next_cursor: string | null }>(engine, 'insights', { time_range: '24h' }, now);
  const groups = await run<{ groups: Array<{ problem: string }> }>(
    engine,
    'insight_groups',
    { time_range: '24h' },
    now,
  );
  return [
    ['insights', { time_range: '24h' }],
    ['insights', { time_range: '24h', kind: 'problems', status: 'open', factor: 'upload_stall' }],
    ['insights', { time_range: '24h', cursor: first.next_cursor ?? undefined }],
    ['insight_groups', { time_range: '24h' }],
    ['insights', { time_range: '24h', problem: groups.groups[0]?.problem ?? 'user_at_risk::' }],
  ];
}
