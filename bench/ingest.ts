/**
 * Ingest benchmark (docs/ARCHITECTURE.md, Budgets): Sightline's durable events/s as a ratio of
 * the machine's durable reference (durable-reference.ts), in the same run, with the same load
 * generator and exactly the same bodies, for the three shapes of durableModes (50-event batches
 * plain and gzip, one-event requests over 16 connections). Each Sightline run is paired with a
 * reference run right before or after it (alternating, so drift hits both); the ratio is per pair.
 * Every run gets a fresh server; an ack means the events are in the fsynced event log (DuckDB) or
 * committed (ClickHouse). 503s (overloaded past the log's backlog bound, …) are counted apart and
 * never as acknowledged; the loader's backlog at the end of each run is read from /healthz.
 */
import { startSightline } from '../e2e/support/sightline.js';
import {
  type DurableMode,
  type DurableRun,
  durableModes,
  loadAverage,
  loadFor,
  pairBodies,
  runDurable,
  type SameBodies,
  spread,
} from './durable-reference.js';
import { type LoadResult, runLoadGenerator } from './lib/background-load.js';
import { BUDGETS, verdict } from './lib/budgets.js';
import { clickhouseServerEnv } from './lib/clickhouse.js';
import { eventLogHealth } from './lib/health-sampler.js';
import { cpuSeconds, rssMiB } from './lib/server.js';
import { fmt, summarize } from './lib/stats.js';

export interface IngestOptions {
  runs: number;
  seconds: number;
  connections: number;
  /** duckdb (default), or clickhouse: the bench's clickhouse-server (lib/clickhouse.ts), a fresh database per run. */
  engine?: 'duckdb' | 'clickhouse';
}

/** The key every Sightline under test accepts, and so the key in both runs' bodies. */
const PUBLIC_KEY = 'sl_pub_bench_ingest';

interface SightlineRun extends LoadResult {
  /** Server peak RSS over the run, MiB (the `sightline` process: HTTP and DuckDB threads). */
  peak: number;
  /** Server CPU (all threads) per acknowledged event, µs: less sensitive to a busy machine than events/s. */
  cpuMicrosPerEvent: number;
  /** The HTTP thread's share of it (parse, validate, dedupe, append, answer); the rest is loading and processing. */
  httpCpuMicrosPerEvent: number;
  /** /healthz event_log.loader_lag_events right after the load (undefined: no event log). */
  loaderLagAtEnd: number | undefined;
}

async function runSightline(
  mode: DurableMode,
  bodies: SameBodies,
  options: IngestOptions,
): Promise<SightlineRun> {
  const env = options.engine === 'clickhouse' ? await clickhouseServerEnv() : {};
  const server = await startSightline({ env, publicKey: bodies.publicKey });
  try {
    const pid = server.child.pid!;
    const cpuBefore = cpuSeconds(pid);
    const httpBefore = cpuSeconds(pid, pid);
    const load = await runLoadGenerator(server, {
      ...loadFor(mode, options.seconds),
      seed: bodies.seed,
      now: bodies.now,
    });
    const cpu = cpuSeconds(pid) - cpuBefore;
    const http = cpuSeconds(pid, pid) - httpBefore;
    const health = await eventLogHealth(server.url).catch(() => undefined);
    return {
      ...load,
      peak: rssMiB(pid).peak,
      cpuMicrosPerEvent: (cpu * 1e6) / Math.max(1, load.acked),
      httpCpuMicrosPerEvent: (http * 1e6) / Math.max(1, load.acked),
      loaderLagAtEnd: health?.loader_lag_events,
    };
  } finally {
    await server.stop();
  }
}

/** The shape's budget: batches need the ratio and p99 ack, one-event requests the ratio. */
function budget(mode: DurableMode, ratio: number, p99: number): string {
  if (mode.batch === 1) return `≥ ${BUDGETS.singleRatio}: ${verdict(ratio >= BUDGETS.singleRatio)}`;
  return `≥ ${BUDGETS.batchRatio}, p99 ≤ ${BUDGETS.batchP99AckMs} ms: ${verdict(
    ratio >= BUDGETS.batchRatio && p99 <= BUDGETS.batchP99AckMs,
  )}`;
}

export async function benchIngest(options: IngestOptions): Promise<string[]> {
  const engine = options.engine ?? 'duckdb';
  const lines = [
    `## Ingest (${engine}) as a ratio of the durable reference: ${options.seconds} s per run, ${options.runs} pairs (min / median / max; verdicts on the medians)`,
    '',
    '| shape | Sightline events/s | reference events/s | Sightline / reference | Sightline p99 ack ms | reference p99 ack ms | Sightline CPU µs/event (all threads) | of which HTTP thread | reference CPU µs/event | Sightline RSS MiB (peak) | Sightline 503s | other non-200 | loader backlog at end, events (per run) | budget | load average at end |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const mode of durableModes(options.connections)) {
    const sightline: SightlineRun[] = [];
    const reference: DurableRun[] = [];
    for (let i = 0; i < options.runs; i++) {
      const bodies = pairBodies(PUBLIC_KEY);
      const referenceFirst = i % 2 === 0;
      if (referenceFirst) reference.push(await runDurable('ndjson', mode, options.seconds, bodies));
      sightline.push(await runSightline(mode, bodies, options));
      if (!referenceFirst) reference.push(await runDurable('ndjson', mode, options.seconds, bodies));
      const s = sightline[i]!;
      const r = reference[i]!;
      process.stderr.write(
        `  ingest ${engine}, ${mode.label}, pair ${i + 1}: Sightline ${fmt(s.eventsPerSecond)} ev/s (p99 ${fmt(s.p99, 1)} ms, 503s ${s.unavailable}, ` +
          `loader backlog ${s.loaderLagAtEnd ?? '—'}), reference ${fmt(r.eventsPerSecond)} ev/s (p99 ${fmt(r.p99, 1)} ms)\n`,
      );
    }
    const ratios = sightline.map((s, i) => s.eventsPerSecond / reference[i]!.eventsPerSecond);
    const failed = [...sightline, ...reference].reduce((n, r) => n + r.failed, 0);
    const lag = sightline
      .map((s) => (s.loaderLagAtEnd === undefined ? '—' : fmt(s.loaderLagAtEnd)))
      .join(', ');
    const shape = `${mode.label}, ${mode.connections} connections`;
    lines.push(
      `| ${shape} | ${spread(sightline.map((s) => s.eventsPerSecond))} | ${spread(reference.map((r) => r.eventsPerSecond))} | ${spread(ratios, 2)} | ${spread(
        sightline.map((s) => s.p99),
        1,
      )} | ${spread(
        reference.map((r) => r.p99),
        1,
      )} | ${spread(
        sightline.map((s) => s.cpuMicrosPerEvent),
        1,
      )} | ${spread(
        sightline.map((s) => s.httpCpuMicrosPerEvent),
        1,
      )} | ${spread(
        reference.map((r) => r.cpuMicrosPerEvent),
        1,
      )} | ${spread(sightline.map((s) => s.peak))} | ${sightline.reduce((n, s) => n + s.unavailable, 0)} | ${failed + reference.reduce((n, r) => n + r.unavailable, 0)} | ${lag} | ${budget(
        mode,
        summarize(ratios).median,
        summarize(sightline.map((s) => s.p99)).median,
      )} | ${loadAverage()} |`,
    );
  }
  return lines;
}
