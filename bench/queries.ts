/**
 * Query timings (budget: funnel / overview over 10 M events < 1 s on DuckDB, docs/ARCHITECTURE.md, Budgets): N generated events
 * (1 M and 10 M by default) in an in-process DuckDB engine, then each query's median of several runs.
 * The generated database is kept under .cache/bench/ (loading 10 M events takes minutes) and
 * queried with the `now` it was generated at, so a cached data set answers like a fresh one.
 */
import { DEMO_KEY_SETTINGS } from '@sightline/schema';
import { QUERIES } from '../packages/server/src/query/index.js';
import type { StorageEngine } from '../packages/server/src/storage/engine.js';
import { ensureInsights, insightCases } from './lib/insight-dataset.js';
import { openQueryDataset, PROJECT } from './lib/query-dataset.js';
import { rssMiB } from './lib/server.js';
import { fmt, summarize } from './lib/stats.js';

export interface QueryBenchOptions {
  events: number;
  runs: number;
  engine?: 'duckdb' | 'clickhouse';
  /** Only the cases of these queries (all when absent). */
  names?: ReadonlySet<string>;
}

/** The browser filter every filtered web case uses: a column every event has, about half match. */
const CHROME = [{ property: 'browser', op: 'eq', value: 'Chrome' }];

function webCases(): Array<[string, unknown]> {
  const day = { time_range: '24h' };
  const both = (name: string, args: object): Array<[string, unknown]> => [
    [name, args],
    [name, { ...args, filters: CHROME }],
  ];
  return [
    ...both('web_overview', day),
    ['web_overview', { time_range: '1h' }],
    ['web_overview', { ...day, filters: [{ property: 'referrer_domain', op: 'eq', value: 'google.com' }] }],
    ...both('pages', day),
    ...both('entry_pages', day),
    ...both('exit_pages', day),
    ...both('sources', day),
    ...both('devices', day),
    ...both('countries', day),
    ...both('performance', day),
    ['performance', { ...day, filters: [{ property: 'device', op: 'eq', value: 'mobile' }] }],
    ...both('retention', { period: 'day', periods: 8 }),
    ['bots', { time_range: '30d' }],
  ];
}

const CASES: Array<[string, unknown]> = [
  ['overview', { time_range: '24h' }],
  ['timeseries', { time_range: '24h', interval: 'hour' }],
  ['top_events', { time_range: '24h' }],
  ['funnel', { time_range: '24h' }],
  ['funnel', { time_range: '24h', unit: 'user', breakdown: 'referrer' }],
  ['drop_offs', { time_range: '24h' }],
  ['user_flow', { time_range: '24h' }],
  ['user_flow', { time_range: '24h', mode: 'pages' }],
  ['user_flow', { time_range: '24h', path_length: 8 }],
  ['user_flow', { time_range: '24h', filters: CHROME }],
  ['sessions', { time_range: '24h' }],
  ['sessions', { time_range: '24h', has_error: true }],
  ['sessions', { time_range: '24h', sort: 'event_count' }],
  ['sessions', { time_range: '24h', sort: 'friction_score' }],
  // A part of a distinct id (the data set's visitors are visitor-<n>), and a page every session visited.
  ['sessions', { time_range: '24h', search: 'visitor-123' }],
  ['sessions', { time_range: '24h', page: '/demo/' }],
  ['dashboard', { time_range: '24h' }],
  // Every web query (issue #16) without and with one filter: on a column and, for web_overview,
  // on a derived property (the referrer's domain).
  ...webCases(),
];

async function time(engine: StorageEngine, name: string, args: unknown, now: number): Promise<number> {
  const definition = QUERIES.get(name);
  if (!definition) throw new Error(`no query ${name}`);
  const started = performance.now();
  await definition.run(
    { engine, projectId: PROJECT, now, settings: DEMO_KEY_SETTINGS },
    definition.args.parse(args),
  );
  return performance.now() - started;
}

export async function benchQueries(options: QueryBenchOptions): Promise<string[]> {
  const engineName = options.engine ?? 'duckdb';
  const { engine, now, loadSeconds, rollupSeconds } = await openQueryDataset(options.events, engineName);
  try {
    const lines = [
      `## Queries over ${fmt(options.events)} events (${engineName === 'duckdb' ? 'DuckDB, in-process' : 'ClickHouse 18.16 server, one shard'}; median of ${options.runs} runs)`,
      '',
      loadSeconds === null
        ? 'Data set from the cache (.cache/bench/).'
        : `Loaded in ${fmt(loadSeconds, 1)} s.`,
      rollupSeconds === null
        ? ''
        : `Session rollup brought up to date in ${fmt(rollupSeconds, 1)} s (0 when the cached one was current).`,
      '',
      '| query | args | median ms | min | max |',
      '|---|---|---|---|---|',
    ];
    // One real session of the data set, with an error, for the timeline.
    const sessions = QUERIES.get('sessions');
    if (!sessions) throw new Error('no sessions query');
    const sample = (await sessions.run(
      { engine, projectId: PROJECT, now, settings: DEMO_KEY_SETTINGS },
      sessions.args.parse({ time_range: '24h', has_error: true, limit: 1 }),
    )) as { sessions: Array<{ session_id: string }> };
    const timeline: [string, unknown] = [
      'session_timeline',
      { session_id: sample.sessions[0]?.session_id ?? '' },
    ];
    // The sessions list's second page, by the first page's cursor.
    const firstPage = (await sessions.run(
      { engine, projectId: PROJECT, now, settings: DEMO_KEY_SETTINGS },
      sessions.args.parse({ time_range: '24h' }),
    )) as { next_cursor: string | null };
    const secondPage: [string, unknown] = ['sessions', { time_range: '24h', cursor: firstPage.next_cursor }];
    // Insights come from the processor run over the events once (kept in the cached data set).
    const insightData = await ensureInsights(engine, options.events, now);
    lines.splice(
      lines.length - 2,
      0,
      `Insights: ${fmt(insightData.insights)} from the processor${insightData.processSeconds === null ? ' (cached)' : ` (run over the events in ${fmt(insightData.processSeconds, 1)} s)`}.`,
      '',
    );
    const cases = [...CASES, secondPage, timeline, ...(await insightCases(engine, now))].filter(
      ([name]) => !options.names || options.names.has(name),
    );
    for (const [name, args] of cases) {
      await time(engine, name, args, now); // warm-up
      const runs: number[] = [];
      for (let i = 0; i < options.runs; i++) runs.push(await time(engine, name, args, now));
      const s = summarize(runs);
      lines.push(
        `| ${name} | \`${JSON.stringify(args)}\` | ${fmt(s.median)} | ${fmt(s.min)} | ${fmt(s.max)} |`,
      );
    }
    // The budgets (docs/ARCHITECTURE.md) cap the server's memory at 10 M events; the queries run in this process (DuckDB
    // in a worker thread, with the server's memory limit), so its peak is the figure to compare.
    const { rss, peak } = rssMiB(process.pid);
    lines.push(
      '',
      `Process RSS after the queries: ${fmt(rss)} MiB (peak ${fmt(peak)} MiB, including the data set's generation when it was loaded in this run).`,
    );
    return [...lines, ''];
  } finally {
    await engine.close();
  }
}
