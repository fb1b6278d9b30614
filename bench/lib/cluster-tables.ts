/** The cluster bench's Markdown (bench/cluster.ts): min / **median** / max over runs, per-run counts under each table. */
import { spread } from '../durable-reference.js';
import { type ClusterHealthSummary, healthCell } from './cluster-health.js';
import type { ClusterLoadResult } from './cluster-load.js';
import type { InsightProbes } from './cluster-probes.js';
import { fmt, percentile } from './stats.js';

export interface ThroughputRun extends ClusterLoadResult {
  nodes: number;
  /** CPU of every Sightline node (all threads) per acknowledged event, µs. */
  nodeCpuMicrosPerEvent: number;
  /** The whole machine's CPU busy over the run, % of all cores (/proc/stat). */
  machineBusy: number;
  health: ClusterHealthSummary;
}

export interface LatencyRun {
  idle: InsightProbes;
  loaded: InsightProbes;
  load: ClusterLoadResult;
  health: ClusterHealthSummary;
}

export const refusals = (refused: Record<string, number>): string =>
  Object.entries(refused)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ') || 'none';

const sumRefused = (all: Array<Record<string, number>>): Record<string, number> => {
  const sum: Record<string, number> = {};
  for (const r of all) for (const [k, n] of Object.entries(r)) sum[k] = (sum[k] ?? 0) + n;
  return sum;
};

const ackedOfSent = (r: ClusterLoadResult) =>
  `${fmt(r.acked)} of ${fmt(r.sent)} sent acked${r.ranOut ? ' (generator ran out of bodies)' : ''}, non-200: ${refusals(r.refused)}`;

export function throughputTable(one: ThroughputRun[], two: ThroughputRun[]): string[] {
  const row = (label: string, runs: ThroughputRun[]) =>
    `| ${label} | ${spread(runs.map((r) => r.eventsPerSecond))} | ${spread(
      runs.map((r) => r.p99),
      1,
    )} | ${spread(
      runs.map((r) => r.p50),
      1,
    )} | ${spread(
      runs.map((r) => r.nodeCpuMicrosPerEvent),
      1,
    )} | ${spread(runs.map((r) => r.machineBusy))} | ${fmt(runs.reduce((n, r) => n + r.acked, 0))} / ${fmt(
      runs.reduce((n, r) => n + r.sent, 0),
    )} | ${refusals(sumRefused(runs.map((r) => r.refused)))} |`;
  const ratio = (f: (r: ThroughputRun) => number) => two.map((t, i) => f(t) / f(one[i]!));
  return [
    '| nodes | events/s acked | p99 ack ms | p50 ack ms | Sightline CPU µs/event (all nodes) | machine CPU busy % | acked / sent events (all runs) | non-200 answers (all runs) |',
    '|---|---|---|---|---|---|---|---|',
    row('1 node', one),
    row('2 nodes', two),
    '',
    '| two nodes / one node, per pair | min / **median** / max |',
    '|---|---|',
    `| events/s | ${spread(
      ratio((r) => r.eventsPerSecond),
      2,
    )} |`,
    `| p99 ack | ${spread(
      ratio((r) => r.p99),
      2,
    )} |`,
    '',
    'Per pair (backlog in events, summed over the nodes, from `/healthz` → `cluster` every 500 ms during the load):',
    '',
    ...one.flatMap((o, i) => {
      const t = two[i]!;
      return [
        `- pair ${i + 1}, 1 node: ${fmt(o.eventsPerSecond)} ev/s, ${ackedOfSent(o)}; ${healthCell(o.health)}`,
        `- pair ${i + 1}, 2 nodes: ${fmt(t.eventsPerSecond)} ev/s, ${ackedOfSent(t)} (node 0 / node 1: ${t.ackedPerNode.map((n) => fmt(n)).join(' / ')}); ${healthCell(t.health)}`,
      ];
    }),
  ];
}

/** A probe that failed (no insight in time, or no owner to probe) counts as slower than every success. */
const FAILED = Number.POSITIVE_INFINITY;
const ms = (v: number) => (Number.isNaN(v) ? '—' : v === FAILED ? 'failed' : fmt(v, 1));

/** min / **median** / max over runs, failed probes shown as such (never NaN). */
function spreadMs(values: number[]): string {
  const known = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (known.length === 0) return '—';
  return `${ms(known[0]!)} / **${ms(percentile(known, 50))}** / ${ms(known.at(-1)!)}`;
}

export function latencyTable(runs: LatencyRun[], probeLoad: number): string[] {
  /** A run's probe times, failed ones as FAILED, ascending. */
  const times = (p: InsightProbes) =>
    [...p.timings.map((t) => t.ms), ...Array<number>(p.failures).fill(FAILED)].sort((a, b) => a - b);
  const median = (values: number[]) =>
    percentile(
      values.sort((a, b) => a - b),
      50,
    );
  const row = (label: string, pick: (r: LatencyRun) => InsightProbes) => {
    const probes = runs.map(pick);
    const per = (f: (p: InsightProbes) => number) => spreadMs(probes.map(f));
    return `| ${label} | ${probes.map((p) => `${p.timings.length} / ${p.failures}`).join('; ')} | ${probes
      .map((p) => `${ms(percentile(times(p), 50))} / ${ms(percentile(times(p), 95))}`)
      .join(
        '; ',
      )} | ${per((p) => percentile(times(p), 50))} | ${per((p) => percentile(times(p), 95))} | ${per(
      (p) => times(p).at(-1) ?? Number.NaN,
    )} | ${per((p) => median(p.timings.map((t) => t.ackMs)))} | ${per((p) => median(p.timings.map((t) => t.polls)))} | ${refusals(
      sumRefused(probes.map((p) => p.refusedPolls)),
    )} | ${probes.reduce((n, p) => n + p.moved, 0)} |`;
  };
  const failures = runs.flatMap((r, i) =>
    [r.idle, r.loaded].flatMap((p, phase) =>
      p.failure
        ? [`- run ${i + 1}, ${phase === 0 ? 'idle' : 'under load'}, first failed probe: ${p.failure}`]
        : [],
    ),
  );
  return [
    '| background load | probes ok / failed (per run) | p50 / p95 ms (per run) | p50 ms | p95 ms | max ms | capture ack p50 ms | polls per probe (median) | non-200 query answers | partition changed owner mid-probe |',
    '|---|---|---|---|---|---|---|---|---|---|',
    row('none', (r) => r.idle),
    row(`${fmt(probeLoad)} events/s paced`, (r) => r.loaded),
    '',
    'A failed probe (no insight in time, or no lease holder to probe) counts in p50 / p95 / max as slower than any success ("failed"); ack and polls are over the successful ones ("—": none).',
    '',
    `Background load: ${spread(runs.map((r) => r.load.eventsPerSecond))} events/s acknowledged (paced at ${fmt(probeLoad)}, both nodes).`,
    '',
    ...runs.map(
      (r, i) =>
        `- run ${i + 1}: background ${ackedOfSent(r.load)}, ack p99 ${fmt(r.load.p99, 1)} ms; ${healthCell(r.health)}`,
    ),
    ...failures,
  ];
}
