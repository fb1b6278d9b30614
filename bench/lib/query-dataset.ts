/**
 * The generated data set the query benchmark runs over: the traffic simulator's demo-app sessions
 * (packages/server/src/simulate: the upload funnel, journeys, clicks, performance, friction and
 * abandonment) spread over the last 24 h, with returning visitors (about 2.5 sessions each), turned
 * into stored rows by the server's own normaliser. Seeded: every run and engine gets the same events.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS } from '../../packages/server/src/config.js';
import { normalizeNativeEvent } from '../../packages/server/src/ingest/normalize.js';
import { createRng, generateSession } from '../../packages/server/src/simulate/index.js';
import { openDuckDbEngine } from '../../packages/server/src/storage/duckdb/index.js';
import type { EventRow, StorageEngine } from '../../packages/server/src/storage/engine.js';
import { openClickHouseBenchEngine } from './clickhouse.js';

export const PROJECT = 'bench';
const CHUNK = 50_000;
const DAY_MS = 86_400_000;
/** Simulated sessions last minutes; none may end after `now`. */
const LATEST_START_MS = 15 * 60_000;

/** Simulated sessions over the 24 h before `now`, in chunks of stored rows. */
export function* generate(total: number, now: number): Generator<EventRow[]> {
  const rng = createRng(42);
  // ~15 events per session: this many visitors come back for about 2.5 sessions each.
  const visitors = Math.max(1, Math.floor(total / 40));
  let made = 0;
  let chunk: EventRow[] = [];
  while (made < total) {
    const start = now - DAY_MS + Math.floor(rng.next() * (DAY_MS - LATEST_START_MS));
    const session = generateSession(rng, start, { origin: 'https://video.example.com' });
    const visitor = `visitor-${rng.int(0, visitors - 1)}`;
    for (const event of session.events) {
      const normalized = normalizeNativeEvent(
        { ...event, distinct_id: visitor },
        { projectId: PROJECT, receivedAt: event.timestamp, sentAt: undefined, userAgent: '' },
      );
      if (!normalized.ok) continue;
      chunk.push(normalized.row);
      if (++made >= total) break;
    }
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Bump when generate() changes, so stale cached data sets are not reused. */
const GENERATOR_VERSION = 2;
const CACHE_DIR = new URL('../../.cache/bench/', import.meta.url).pathname;

export interface QueryDataset {
  engine: StorageEngine;
  /** The clock the events were generated against: queries must use it. */
  now: number;
  /** null when the data set came from the cache. */
  loadSeconds: number | null;
}

/**
 * `events` generated events in a DuckDB engine, kept under .cache/bench/. The `.now` file is
 * written only after a complete load, so an interrupted load is thrown away, not reused.
 */
export async function openQueryDataset(
  events: number,
  engineName: 'duckdb' | 'clickhouse' = 'duckdb',
): Promise<QueryDataset> {
  if (engineName === 'clickhouse') return loadInto(await openClickHouseBenchEngine(), events);
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, `queries-${events}-v${GENERATOR_VERSION}.duckdb`);
  const nowFile = `${path}.now`;
  if (existsSync(nowFile)) {
    return {
      engine: await openDuckDbEngine({ path, memoryLimit: DEFAULTS.duckdbMemoryLimit }),
      now: Number(readFileSync(nowFile, 'utf8')),
      loadSeconds: null,
    };
  }
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  const dataset = await loadInto(
    await openDuckDbEngine({ path, memoryLimit: DEFAULTS.duckdbMemoryLimit }),
    events,
  );
  writeFileSync(nowFile, String(dataset.now));
  return dataset;
}

/** Generates the events into an empty engine (ClickHouse data sets are not cached: each bench run loads a fresh database). */
async function loadInto(engine: StorageEngine, events: number): Promise<QueryDataset> {
  const now = Date.now();
  const started = performance.now();
  for (const chunk of generate(events, now)) await engine.insertEvents(chunk);
  return { engine, now, loadSeconds: (performance.now() - started) / 1000 };
}
