/**
 * The generated data set the query benchmark runs over: sessions of ~10 events over the last 24 h
 * (a prefix of the upload funnel, a page_performance, clicks, some errors), seeded so every run and
 * every engine gets the same events.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDbEngine } from '../../packages/server/src/storage/duckdb/index.js';
import type { EventRow, StorageEngine } from '../../packages/server/src/storage/engine.js';
import { openClickHouseBenchEngine } from './clickhouse.js';

export const PROJECT = 'bench';
const FUNNEL = ['page_view', 'file_selected', 'upload_started', 'upload_complete', 'analysis_complete'];
const PATHS = ['/', '/upload', '/pricing', '/docs', '/settings'];
const CHUNK = 50_000;

/** mulberry32 */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sessions of ~10 events over the last 24 h: a funnel prefix, clicks, a page_performance, some errors. */
export function* generate(total: number, now: number): Generator<EventRow[]> {
  const random = seeded(42);
  let made = 0;
  let session = 0;
  let chunk: EventRow[] = [];
  while (made < total) {
    const id = `s${session++}`;
    const user = `u${Math.floor(random() * (total / 30))}`;
    let t = now - Math.floor(random() * 86_000_000);
    const path = PATHS[Math.floor(random() * PATHS.length)] as string;
    const names = [...FUNNEL.slice(0, 1 + Math.floor(random() * FUNNEL.length)), 'page_performance'];
    while (names.length < 10) names.push(random() < 0.05 ? 'error' : 'user_click');
    for (const event of names) {
      t += Math.floor(random() * 20_000);
      const properties =
        event === 'page_performance'
          ? {
              page_load_time: Math.floor(random() * 6000),
              lcp: Math.floor(random() * 4000),
              cls: random() / 2,
            }
          : { plan: random() < 0.3 ? 'pro' : 'free' };
      chunk.push({
        project_id: PROJECT,
        uuid: `${id}-${made}`,
        event,
        distinct_id: user,
        session_id: id,
        timestamp: t,
        received_at: t,
        url: `https://app.test${path}`,
        path,
        referrer: '',
        browser: 'Chrome',
        os: 'Linux',
        device: 'desktop',
        properties: JSON.stringify(properties),
      });
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
const GENERATOR_VERSION = 1;
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
      engine: await openDuckDbEngine({ path }),
      now: Number(readFileSync(nowFile, 'utf8')),
      loadSeconds: null,
    };
  }
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  const dataset = await loadInto(await openDuckDbEngine({ path }), events);
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
