/**
 * Query timings (DESIGN §8: funnel / overview over 10 M events < 1 s on DuckDB): generates N events
 * (default 1 M) into a fresh in-process DuckDB engine, then times each query (median of several runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUERIES } from '../packages/server/src/query/index.js';
import { openDuckDbEngine } from '../packages/server/src/storage/duckdb/index.js';
import type { StorageEngine } from '../packages/server/src/storage/engine.js';
import { generate, PROJECT } from './lib/query-dataset.js';
import { fmt, summarize } from './lib/stats.js';

export interface QueryBenchOptions {
  events: number;
  runs: number;
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
