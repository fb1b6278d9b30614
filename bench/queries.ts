/**
 * Query timings (DESIGN §8: funnel / overview over 10 M events < 1 s on DuckDB): generates N events
 * (default 1 M) into a fresh in-process DuckDB engine, then times each query (median of several runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUERIES } from '../packages/server/src/query/index.js';
import { openDuckDbEngine } from '../packages/server/src/storage/duckdb/index.js';
import type { EventRow, StorageEngine } from '../packages/server/src/storage/engine.js';
import { fmt, summarize } from './lib/stats.js';

export interface QueryBenchOptions {
  events: number;
  runs: number;
}

const PROJECT = 'bench';
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
function* generate(total: number, now: number): Generator<EventRow[]> {
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

const CASES: Array<[string, unknown]> = [
  ['overview', { time_range: '24h' }],
  ['timeseries', { time_range: '24h', interval: 'hour' }],
  ['top_events', { time_range: '24h' }],
  ['funnel', { time_range: '24h' }],
  ['funnel', { time_range: '24h', unit: 'user', breakdown: 'plan' }],
  ['drop_offs', { time_range: '24h' }],
  ['user_flow', { time_range: '24h' }],
  ['performance', { time_range: '24h' }],
  ['sessions', { time_range: '24h', has_error: true }],
  ['session_timeline', { session_id: 's1' }],
  ['dashboard', { time_range: '24h' }],
];

async function time(engine: StorageEngine, name: string, args: unknown, now: number): Promise<number> {
  const definition = QUERIES.get(name);
  if (!definition) throw new Error(`no query ${name}`);
  const started = performance.now();
  await definition.run({ engine, projectId: PROJECT, now }, definition.args.parse(args));
  return performance.now() - started;
}

export async function benchQueries(options: QueryBenchOptions): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-queries-'));
  const engine = await openDuckDbEngine({ path: join(dir, 'bench.duckdb') });
  try {
    const now = Date.now();
    const loadStarted = performance.now();
    for (const chunk of generate(options.events, now)) await engine.insertEvents(chunk);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const lines = [
      `## Queries over ${fmt(options.events)} events (DuckDB, in-process; median of ${options.runs} runs)`,
      '',
      `Loaded in ${fmt(loadSeconds, 1)} s.`,
      '',
      '| query | args | median ms | min | max |',
      '|---|---|---|---|---|',
    ];
    for (const [name, args] of CASES) {
      await time(engine, name, args, now); // warm-up
      const runs: number[] = [];
      for (let i = 0; i < options.runs; i++) runs.push(await time(engine, name, args, now));
      const s = summarize(runs);
      lines.push(
        `| ${name} | \`${JSON.stringify(args)}\` | ${fmt(s.median)} | ${fmt(s.min)} | ${fmt(s.max)} |`,
      );
    }
    return [...lines, ''];
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
