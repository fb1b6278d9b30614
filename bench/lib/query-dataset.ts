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

/**
 * Simulated sessions over the 24 h before `now`, in chunks of stored rows, in the order they
 * start: a live server receives events roughly in time order, so the table's row groups cover
 * short time spans (DuckDB's zone maps depend on it). A session's content does not depend on its
 * start, so a first pass counts the sessions that make `total` events and a second generates them
 * again at sorted start times.
 */
export function* generate(total: number, now: number): Generator<EventRow[]> {
  const sessions = sessionsFor(total);
  const startsRng = createRng(7);
  const starts = Array.from({ length: sessions }, () =>
    Math.floor(now - DAY_MS + startsRng.next() * (DAY_MS - LATEST_START_MS)),
  ).sort((a, b) => a - b);
  const rng = createRng(42);
  // ~26 events per session: this many visitors come back for about 2 sessions each.
  const visitors = Math.max(1, Math.floor(total / 50));
  let made = 0;
  let chunk: EventRow[] = [];
  for (const start of starts) {
    const session = generateSession(rng, start, { origin: 'https://video.example.com' });
    const visitor = `visitor-${startsRng.int(0, visitors - 1)}`;
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

/** How many sessions generate() needs for `total` events (the same seed, without the start times). */
function sessionsFor(total: number): number {
  const rng = createRng(42);
  let events = 0;
  let sessions = 0;
  while (events < total) {
    events += generateSession(rng, 0, { origin: 'https://video.example.com' }).events.length;
    sessions++;
  }
  return sessions;
}

/** Bump when generate() changes, so stale cached data sets are not reused. */
const GENERATOR_VERSION = 3;
const CACHE_DIR = new URL('../../.cache/bench/', import.meta.url).pathname;

export interface QueryDataset {
  engine: StorageEngine;
  /** The clock the events were generated against: queries must use it. */
  now: number;
  /** null when the data set came from the cache. */
  loadSeconds: number | null;
  /** Seconds the session rollup took to catch up (null when the engine keeps none). */
  rollupSeconds: number | null;
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
  // The rollup is refreshed below at the data set's clock, not the wall clock, so it covers what a
  // live server's would at `now`: every hour that ended at least the grace period before it.
  const open = () => openDuckDbEngine({ path, memoryLimit: DEFAULTS.duckdbMemoryLimit, rollupRefreshMs: 0 });
  if (existsSync(nowFile)) {
    const now = Number(readFileSync(nowFile, 'utf8'));
    return withRollup({ engine: await open(), now, loadSeconds: null, rollupSeconds: null });
  }
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  const dataset = await loadInto(await open(), events);
  writeFileSync(nowFile, String(dataset.now));
  return withRollup(dataset);
}

/** Generates the events into an empty engine (ClickHouse data sets are not cached: each bench run loads a fresh database). */
async function loadInto(engine: StorageEngine, events: number): Promise<QueryDataset> {
  const now = Date.now();
  const started = performance.now();
  for (const chunk of generate(events, now)) await engine.insertEvents(chunk);
  return { engine, now, loadSeconds: (performance.now() - started) / 1000, rollupSeconds: null };
}

/** Brings the engine's session rollup (if it keeps one) up to the data set's clock. */
async function withRollup(dataset: QueryDataset): Promise<QueryDataset> {
  if (!dataset.engine.refreshSessionRollup) return dataset;
  const started = performance.now();
  await dataset.engine.refreshSessionRollup(dataset.now);
  return { ...dataset, rollupSeconds: (performance.now() - started) / 1000 };
}
