/**
 * Ingest benchmark (issue 2; docs/ARCHITECTURE.md, Budgets): sustained durable events/s with 50-event batches,
 * p50/p99 acknowledgement latency and server RSS, plain and gzip, min/median/max over runs.
 * Each run gets a fresh server (durability on: every ack waits for the DuckDB commit).
 */
import { startSightline } from '../e2e/support/sightline.js';
import { runLoadGenerator } from './lib/background-load.js';
import { clickhouseServerEnv } from './lib/clickhouse.js';
import { cpuSeconds, rssMiB } from './lib/server.js';
import { fmt, summarize } from './lib/stats.js';

export interface IngestOptions {
  runs: number;
  seconds: number;
  connections: number;
  /** duckdb (default), or clickhouse: the bench's clickhouse-server (lib/clickhouse.ts), a fresh database per run. */
  engine?: 'duckdb' | 'clickhouse';
}

interface RunResult {
  eventsPerSecond: number;
  acked: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
  bytesPerEvent: number;
  rss: number;
  peak: number;
  /** Server CPU (all threads) per acknowledged event, µs: less sensitive to a busy machine than events/s. */
  cpuMicrosPerEvent: number;
}

async function once(mode: 'plain' | 'gzip', options: IngestOptions): Promise<RunResult> {
  const server = await startSightline(
    options.engine === 'clickhouse' ? { env: await clickhouseServerEnv() } : {},
  );
  try {
    const cpuBefore = cpuSeconds(server.child.pid!);
    const load = await runLoadGenerator<Omit<RunResult, 'rss' | 'peak' | 'cpuMicrosPerEvent'>>(server, {
      connections: options.connections,
      seconds: options.seconds,
      mode,
    });
    const cpu = cpuSeconds(server.child.pid!) - cpuBefore;
    return {
      ...load,
      ...rssMiB(server.child.pid!),
      cpuMicrosPerEvent: (cpu * 1e6) / Math.max(1, load.acked),
    };
  } finally {
    await server.stop();
  }
}

export async function benchIngest(options: IngestOptions): Promise<string[]> {
  const lines = [
    `## Ingest (${options.engine ?? 'duckdb'}): 50-event batches, ${options.connections} connections, ${options.seconds} s per run, ${options.runs} runs (min / median / max)`,
    '',
    '| body | events/s | p50 ack ms | p99 ack ms | server CPU µs/event | server RSS MiB (peak) | bytes/event | non-200 |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const mode of ['plain', 'gzip'] as const) {
    const results: RunResult[] = [];
    for (let i = 0; i < options.runs; i++) {
      const r = await once(mode, options);
      process.stderr.write(
        `  ingest ${options.engine ?? 'duckdb'} ${mode} run ${i + 1}: ${fmt(r.eventsPerSecond)} ev/s, p99 ${fmt(r.p99, 1)} ms\n`,
      );
      results.push(r);
    }
    const s = (pick: (r: RunResult) => number, digits = 0) => {
      const { min, median, max } = summarize(results.map(pick));
      return `${fmt(min, digits)} / **${fmt(median, digits)}** / ${fmt(max, digits)}`;
    };
    lines.push(
      `| ${mode} | ${s((r) => r.eventsPerSecond)} | ${s((r) => r.p50, 1)} | ${s((r) => r.p99, 1)} | ${s((r) => r.cpuMicrosPerEvent, 1)} | ${s((r) => r.peak)} | ${fmt(results[0]!.bytesPerEvent)} | ${results.reduce((n, r) => n + r.failed, 0)} |`,
    );
  }
  return lines;
}
