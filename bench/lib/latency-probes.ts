/**
 * End-to-end latency probes (event → live update, event → intervention), each measured on one
 * server twice: idle, then under the fixed-rate load (background-load.ts fixedRateLoad), so the
 * two rows differ only by the load. The lag bench also samples /healthz during the loaded phase.
 */
import type { SightlineProcess } from '../../e2e/support/sightline.js';
import { fixedRateLoad, type LoadResult, startLoadGenerator } from './background-load.js';
import { BUDGETS, verdict } from './budgets.js';
import { type HealthSample, sampleHealth } from './health-sampler.js';
import { fmt, percentile } from './stats.js';

export interface ProbeTiming {
  /** POST → the result arrived (live update pushed, intervention received). */
  ms: number;
  /** POST → capture's 200. */
  ackMs: number;
}

/** One kind of probe against one server; each probe sends new events. */
export interface Prober {
  /** What the figure is, e.g. `event → live update`. */
  name: string;
  probe(): Promise<ProbeTiming>;
  close(): void;
}

export interface ProbeSeries {
  name: string;
  timings: ProbeTiming[];
  failures: number;
}

/** `count` probes, the i-th starting at `i * spacingMs` (or when the one before ends, if later). */
async function series(prober: Prober, count: number, spacingMs: number): Promise<ProbeSeries> {
  const timings: ProbeTiming[] = [];
  let failures = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = start + i * spacingMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      timings.push(await prober.probe());
    } catch (error) {
      if (failures++ === 0) process.stderr.write(`  ${prober.name} probe failed: ${String(error)}\n`);
    }
  }
  return { name: prober.name, timings, failures };
}

export interface LatencyOptions {
  /** Length of the loaded phase (the load runs this long), s. */
  seconds: number;
  /** Probes per prober in each phase. */
  probes: number;
}

/** The standalone live and intervention benches: 20 s of load, 40 probes. */
export const DEFAULT_LATENCY: LatencyOptions = { seconds: 20, probes: 40 };

export interface IdleAndLoaded {
  idle: ProbeSeries[];
  loaded: ProbeSeries[];
  load: LoadResult;
  /** /healthz + RSS every 100 ms from the load's first request to its end. */
  samples: HealthSample[];
}

/** Seconds the load runs before the first loaded probe, and kept free of probes at its end. */
const WARMUP_S = 3;
const TAIL_S = 2;

/**
 * Runs every prober's series idle (probes 150 ms apart), then again under the fixed-rate load
 * spread over its steady part, the probers side by side in both phases.
 */
export async function probeIdleAndLoaded(
  server: SightlineProcess,
  probers: Prober[],
  options: LatencyOptions,
): Promise<IdleAndLoaded> {
  const idle = await Promise.all(probers.map((p) => series(p, options.probes, 150)));
  const running = startLoadGenerator(server, fixedRateLoad(options.seconds));
  await running.started;
  const sampler = sampleHealth(server.url, server.child.pid!);
  // Sampling ends with the load, even if the last probes are still waiting for their result.
  const samples = running.done.then(
    () => sampler.stop(),
    () => sampler.stop(),
  );
  await new Promise((resolve) => setTimeout(resolve, WARMUP_S * 1000));
  const spacing = (Math.max(1, options.seconds - WARMUP_S - TAIL_S) * 1000) / options.probes;
  const loaded = await Promise.all(probers.map((p) => series(p, options.probes, spacing)));
  return { idle, loaded, load: await running.done, samples: await samples };
}

/** A Markdown table: per prober, its idle row then its loaded row, judged against the budget. */
export function latencyTable(result: IdleAndLoaded): string[] {
  const lines = [
    `| measurement | background load | probes | p50 ms | p95 ms | max ms | capture ack p50 / p95 ms | failed | p95 ≤ ${BUDGETS.latencyP95Ms} ms |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const row = (s: ProbeSeries, load: string) => {
    const ms = s.timings.map((t) => t.ms).sort((a, b) => a - b);
    const acks = s.timings.map((t) => t.ackMs).sort((a, b) => a - b);
    const p95 = percentile(ms, 95);
    return `| ${s.name} | ${load} | ${ms.length} | ${fmt(percentile(ms, 50), 1)} | ${fmt(p95, 1)} | ${fmt(ms[ms.length - 1] ?? Number.NaN, 1)} | ${fmt(percentile(acks, 50), 1)} / ${fmt(percentile(acks, 95), 1)} | ${s.failures} | ${verdict(p95 <= BUDGETS.latencyP95Ms && s.failures === 0)} |`;
  };
  result.idle.forEach((idle, i) => {
    lines.push(row(idle, 'none'), row(result.loaded[i]!, `${fmt(result.load.eventsPerSecond)} ev/s`));
  });
  return lines;
}

/** stderr progress line for a probe result. */
export function reportSeries(result: IdleAndLoaded): void {
  result.idle.forEach((idle, i) => {
    const p95 = (s: ProbeSeries) =>
      fmt(
        percentile(
          s.timings.map((t) => t.ms).sort((a, b) => a - b),
          95,
        ),
        1,
      );
    process.stderr.write(
      `  ${idle.name}: p95 idle ${p95(idle)} ms, under load ${p95(result.loaded[i]!)} ms\n`,
    );
  });
}
