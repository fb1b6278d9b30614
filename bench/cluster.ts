/**
 * Cluster mode (`sightline start --engine clickhouse --log nats`, docs/SCALING.md): Sightline
 * nodes sharing the event log on a 3-node NATS JetStream cluster (3 replicas) and one ClickHouse
 * (the bench's clickhouse-server, lib/clickhouse.ts), everything on 127.0.0.1 of this machine.
 * 1. Capture with one node and with two, in interleaved pairs (1 node, 2 nodes, repeat): the same
 *    unpaced 50-event batches over --connections, request i to node i mod n
 *    (lib/cluster-load-generator.ts), --seconds each; events/s and p99 ack, and two / one per pair.
 * 2. Event → insight across nodes on a pair of nodes: probe sessions posted to the node that does
 *    not own their partition, timed until the insight is readable from the sending node
 *    (lib/cluster-probes.ts), first with no other traffic, then under a paced background load.
 * Every run gets fresh nodes, a fresh JetStream prefix and a fresh ClickHouse database; the NATS
 * cluster is started once. `/healthz` → `cluster` is sampled while the load runs (backlogs, and
 * whether a partition was held by two nodes or none: lib/cluster-health.ts). Every process started
 * here is stopped at the end, also on failure.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { DEFAULT_LEASE_MS, DEFAULT_PARTITIONS } from '../packages/server/src/cluster/cluster-config.js';
import { type NatsCluster, startNatsCluster } from '../packages/server/test/support/nats-cluster.js';
import { loadAverage } from './durable-reference.js';
import { stopClickHouse } from './lib/clickhouse.js';
import { sampleClusterHealth } from './lib/cluster-health.js';
import { startClusterLoad } from './lib/cluster-load.js';
import { type ClusterGroup, nodeStops, startClusterGroup } from './lib/cluster-nodes.js';
import { POLL_MS, probeInsightsAcrossNodes } from './lib/cluster-probes.js';
import { type LatencyRun, latencyTable, type ThroughputRun, throughputTable } from './lib/cluster-tables.js';
import { cpuSeconds } from './lib/server.js';
import { fmt, percentile, summarize } from './lib/stats.js';

export interface ClusterOptions {
  runs: number;
  seconds: number;
  connections: number;
  /** Probes per run and phase of part 2 (at least 20 for a p95). */
  probes: number;
  /** Background load of part 2, events/s. */
  probeLoad: number;
  /** Log partitions (default: the server's, DEFAULT_PARTITIONS). */
  partitions?: number;
}

const BATCH = 50;
/** Unpaced runs prebuild bodies for this many events/s (far above what this machine acknowledges). */
const PREBUILT_EVENTS_PER_SECOND = 30_000;
/** Part 2: the background load runs this long before the first probe; probes start this far apart. */
const WARMUP_MS = 3_000;
const PROBE_SPACING_MS = 250;
/** A probe whose insight is not readable this long after its POST counts as failed. */
const PROBE_TIMEOUT_MS = 30_000;
const QUIET_MAX_MS = 20_000;

/** The server code under test: HEAD, and whether its sources differ from it (another edit under way). */
function serverVersion(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', 'packages/server/src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes in packages/server/src' : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}

/** Busy and total jiffies of all cores so far (/proc/stat's first line; idle and iowait are not busy). */
function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - (fields[4] ?? 0), total };
}

/**
 * Before each run: until the machine's CPU was under 30 % busy for a second (the last run's
 * teardown, ClickHouse merges and JetStream deletes settled), at most QUIET_MAX_MS.
 */
async function quietMachine(): Promise<void> {
  const deadline = performance.now() + QUIET_MAX_MS;
  while (performance.now() < deadline) {
    const before = machineJiffies();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = machineJiffies();
    if ((after.busy - before.busy) / (after.total - before.total) < 0.3) return;
  }
}

async function withGroup<T>(
  nats: NatsCluster,
  nodes: number,
  partitions: number,
  use: (group: ClusterGroup) => Promise<T>,
): Promise<T> {
  await quietMachine();
  const group = await startClusterGroup(nats, { nodes, partitions, leaseMs: DEFAULT_LEASE_MS });
  try {
    return await use(group);
  } finally {
    await group.stop();
  }
}

async function throughputRun(nats: NatsCluster, nodes: number, options: ClusterOptions, partitions: number) {
  return withGroup(nats, nodes, partitions, async (group): Promise<ThroughputRun> => {
    const pids = group.nodes.map((n) => n.child.pid!);
    const cpu = () => pids.reduce((s, pid) => s + cpuSeconds(pid), 0);
    const load = startClusterLoad(
      group.nodes.map((n) => n.url),
      group.nodes[0]!.publicKey,
      {
        connections: options.connections,
        seconds: options.seconds,
        batch: BATCH,
        prebuilt: PREBUILT_EVENTS_PER_SECOND,
      },
    );
    await load.started;
    const [cpuBefore, machineBefore] = [cpu(), machineJiffies()];
    const sampler = sampleClusterHealth(group);
    const result = await load.done.finally(() => sampler.stop());
    const [cpuAfter, machineAfter] = [cpu(), machineJiffies()];
    return {
      ...result,
      nodes,
      nodeCpuMicrosPerEvent: ((cpuAfter - cpuBefore) * 1e6) / Math.max(1, result.acked),
      machineBusy:
        (100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total),
      health: await sampler.stop(),
    };
  });
}

/** Probes with no other traffic, then as many under the paced background load, on one pair of nodes. */
async function latencyRun(nats: NatsCluster, options: ClusterOptions, partitions: number) {
  return withGroup(nats, 2, partitions, async (group): Promise<LatencyRun> => {
    const idle = await probeInsightsAcrossNodes(group, options.probes, PROBE_SPACING_MS, PROBE_TIMEOUT_MS);
    // Runs until the probes are done, then is stopped: its length is only an upper bound.
    const load = startClusterLoad(
      group.nodes.map((n) => n.url),
      group.nodes[0]!.publicKey,
      { connections: options.connections, seconds: 900, batch: BATCH, rate: options.probeLoad },
    );
    try {
      await load.started;
      const sampler = sampleClusterHealth(group);
      await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
      const loaded = await probeInsightsAcrossNodes(
        group,
        options.probes,
        PROBE_SPACING_MS,
        PROBE_TIMEOUT_MS,
      );
      load.stop();
      return { idle, loaded, load: await load.done, health: await sampler.stop() };
    } finally {
      load.stop();
      await load.done.catch(() => undefined);
    }
  });
}

const p = (values: number[], q: number) =>
  percentile(
    [...values].sort((a, b) => a - b),
    q,
  );

export async function benchCluster(options: ClusterOptions): Promise<string[]> {
  const partitions = options.partitions ?? DEFAULT_PARTITIONS;
  const versionAtStart = serverVersion();
  const nats = await startNatsCluster(3);
  try {
    const one: ThroughputRun[] = [];
    const two: ThroughputRun[] = [];
    for (let i = 0; i < options.runs; i++) {
      one.push(await throughputRun(nats, 1, options, partitions));
      two.push(await throughputRun(nats, 2, options, partitions));
      const [o, t] = [one[i]!, two[i]!];
      process.stderr.write(
        `  cluster pair ${i + 1}: 1 node ${fmt(o.eventsPerSecond)} ev/s (p99 ${fmt(o.p99, 1)} ms), ` +
          `2 nodes ${fmt(t.eventsPerSecond)} ev/s (p99 ${fmt(t.p99, 1)} ms)\n`,
      );
    }
    const latency: LatencyRun[] = [];
    for (let i = 0; i < options.runs; i++) {
      const run = await latencyRun(nats, options, partitions);
      latency.push(run);
      const [idle, loaded] = [run.idle, run.loaded].map((s) => s.timings.map((t) => t.ms));
      process.stderr.write(
        `  cluster probes run ${i + 1}: idle p50 ${fmt(p(idle!, 50), 1)} / p95 ${fmt(p(idle!, 95), 1)} ms, ` +
          `under load p50 ${fmt(p(loaded!, 50), 1)} / p95 ${fmt(p(loaded!, 95), 1)} ms ` +
          `(${run.idle.failures + run.loaded.failures} failed)\n`,
      );
    }
    const ratio = summarize(two.map((t, i) => t.eventsPerSecond / one[i]!.eventsPerSecond)).median;
    const stops = nodeStops.map((s) => s.ms / 1000);
    const versionAtEnd = serverVersion();
    return [
      '',
      `## Cluster mode: one vs two Sightline nodes on the NATS log (${options.runs} interleaved pairs, ${options.seconds} s per run; min / **median** / max)`,
      '',
      `Setup: a 3-node nats-server JetStream cluster (3 replicas), one clickhouse-server, ${partitions} log partitions${partitions === DEFAULT_PARTITIONS ? " (the server's default)" : ` (the server's default is ${DEFAULT_PARTITIONS})`}, lease ${fmt(DEFAULT_LEASE_MS)} ms; ` +
        `${BATCH}-event batches, unpaced, over ${options.connections} connections, request i to node i mod n; ` +
        `a fresh JetStream prefix and ClickHouse database per run, started once the machine is quiet (CPU < 30 % busy for 1 s, waiting at most ${QUIET_MAX_MS / 1000} s). An ack means JetStream acknowledged every event of the request (a quorum of its 3 replicas stored it).`,
      '',
      `Server code: ${versionAtStart}${versionAtEnd === versionAtStart ? '' : ` at the start, **${versionAtEnd} at the end**: nodes started after the change may have run other code`} (each node runs packages/server/dist as built when it starts).`,
      '',
      `**Read this as a ratio measured honestly, not as a scaling claim:** this machine has ${cpus().length} cores, shared by the 3 NATS servers, ClickHouse, ` +
        `the Sightline nodes and the load generator, so a second node adds no CPU here (median two / one: ${fmt(ratio, 2)}).`,
      '',
      ...throughputTable(one, two),
      '',
      `### Event → insight across nodes (two nodes; ${options.runs} runs, each figure p50 / p95 of one run's ${options.probes} probes, then min / **median** / max over runs)`,
      '',
      `Each probe is a new session whose partition the other node's lease holds (\`<prefix>-leases\`, \`partition.<p>\`): three clicks in one spot (a rage click) ` +
        `are posted to the node that does not own it, and that node's \`POST /v1/query/insights\` (secret key, the session's id) is polled (a poll every ${POLL_MS} ms, or as soon as the one before answered) until the insight is there, ` +
        `timed from before the POST (so the polls bound the resolution). Probes start ≥ ${PROBE_SPACING_MS} ms apart; under load, after ${WARMUP_MS / 1000} s of it, ` +
        `the background load going to both nodes; a probe with no insight after ${PROBE_TIMEOUT_MS / 1000} s fails.`,
      '',
      ...latencyTable(latency, options.probeLoad),
      '',
      `Node stops (SIGTERM → exit, every node of every run): ${fmt(Math.min(...stops), 1)} / **${fmt(p(stops, 50), 1)}** / ${fmt(Math.max(...stops), 1)} s, ` +
        `${nodeStops.filter((s) => s.killed).length} of ${nodeStops.length} killed after 60 s. Load average at end: ${loadAverage()}.`,
    ];
  } finally {
    await nats.stop();
    await stopClickHouse();
  }
}
