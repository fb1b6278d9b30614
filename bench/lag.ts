/**
 * Loader and processor lag at the fixed-rate load (docs/ARCHITECTURE.md, Budgets: p95 ≤ 250 ms at
 * 20k events/s): one DuckDB server, 400 batches of 50 per second over 16 connections for ~30 s,
 * /healthz event_log.{loader,processor}_lag_ms sampled every 100 ms from the first request to the
 * last. On the same server and in the same window, event → live update and event → intervention
 * probes, next to the same probes idle before the load (live-latency.ts, intervention-latency.ts).
 */
import { startSightline } from '../e2e/support/sightline.js';
import { interventionProber, NO_HOLDOUT } from './intervention-latency.js';
import { BUDGETS, loadShortfall, verdict } from './lib/budgets.js';
import { eventLogHealth, type LagSummary, summarizeLag } from './lib/health-sampler.js';
import { latencyTable, probeIdleAndLoaded, reportSeries } from './lib/latency-probes.js';
import { rssMiB } from './lib/server.js';
import { fmt } from './lib/stats.js';
import { openLiveProber } from './live-latency.js';

export interface LagOptions {
  /** How long the load runs, s. */
  seconds: number;
  /** Probes of each kind, idle and under load. */
  probes: number;
}

export const DEFAULT_LAG: LagOptions = { seconds: 30, probes: 40 };

/** The lag table's two rows. */
export function lagRows(lag: LagSummary): string[] {
  const row = (name: string, c: LagSummary['loader']) =>
    `| ${name} | ${fmt(c.p50)} | ${fmt(c.p95)} | ${fmt(c.max)} | ${fmt(c.maxEvents)} | ${verdict(c.p95 <= BUDGETS.lagP95Ms)} |`;
  return [
    `| consumer | p50 ms | p95 ms | max ms | largest backlog, events | p95 ≤ ${BUDGETS.lagP95Ms} ms |`,
    '|---|---|---|---|---|---|',
    row('loader', lag.loader),
    row('processor', lag.processor),
  ];
}

export async function benchLag(options: LagOptions = DEFAULT_LAG): Promise<string[]> {
  const server = await startSightline({ env: NO_HOLDOUT });
  const live = await openLiveProber(server);
  try {
    const result = await probeIdleAndLoaded(server, [live, interventionProber(server)], options);
    const atEnd = await eventLogHealth(server.url);
    const peak = rssMiB(server.child.pid!).peak;
    const lag = summarizeLag(result.samples);
    const { load } = result;
    process.stderr.write(
      `  lag at ${fmt(load.eventsPerSecond)} ev/s: loader p95 ${fmt(lag.loader.p95)} ms, processor p95 ${fmt(lag.processor.p95)} ms\n`,
    );
    reportSeries(result);
    return [
      '',
      `## Loader and processor lag at ${fmt(BUDGETS.loadEventsPerSecond)} events/s paced (${fmt(load.eventsPerSecond)} acknowledged; 50-event batches, 16 connections, ${options.seconds} s; /healthz every 100 ms)`,
      '',
      ...lagRows(lag),
      '',
      `Load: ${fmt(load.eventsPerSecond)} events/s acknowledged (${fmt(load.acked)} events), ack p50 ${fmt(load.p50, 1)} ms / p99 ${fmt(load.p99, 1)} ms, ` +
        `503: ${load.unavailable}, other non-200: ${load.failed}. Samples: ${lag.samples} (${lag.missing} without an event log). ` +
        `Loader lag after the load: ${atEnd ? fmt(atEnd.loader_lag_events) : '—'} events. Server RSS peak ${fmt(peak)} MiB.`,
      '',
      `### Event → live update and event → intervention on the same server, idle and under that load`,
      '',
      ...latencyTable(result),
      ...loadShortfall(load.eventsPerSecond),
    ];
  } finally {
    live.close();
    await server.stop();
  }
}
