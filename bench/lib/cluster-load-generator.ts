/**
 * The cluster bench's load generator, run as its own process: bench/load-generator.ts's bodies
 * (lib/events.ts BatchFactory: simulated demo-app sessions, every event new) and its loop, but
 * over several Sightline nodes — request i goes to node i mod n — counting every request sent and
 * every answer by status, so a reader sees what was sent against what was acknowledged.
 *   cluster-load-generator --urls U1[,U2…] --key K [--connections 16] [--seconds 10] [--batch 50]
 *                          [--rate events/s, 0 = unpaced] [--prebuilt events/s] [--seed N]
 * Unpaced, bodies for `--prebuilt` events/s over the run are built before the clock starts (if the
 * nodes take them all, `ranOut` says so); paced, bodies are built as they fall due. SIGTERM ends a
 * run early (the background load of the latency probes): requests under way finish, then the result.
 * Prints one JSON line (ClusterLoadResult); writes `sending` to stderr when the clock starts.
 */
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { BatchFactory, USER_AGENTS } from './events.js';
import { percentile } from './stats.js';

export interface ClusterLoadResult {
  /** Events acknowledged (200) per second of the run. */
  eventsPerSecond: number;
  /** Events in requests answered 200, and in every request sent. */
  acked: number;
  sent: number;
  /** Requests answered other than 200, by status (`error`: no answer, e.g. a reset connection). */
  refused: Record<string, number>;
  /** Events acknowledged by each node, in --urls order. */
  ackedPerNode: number[];
  /** Latency of the 200s, ms. */
  p50: number;
  p99: number;
  max: number;
  seconds: number;
  /** Unpaced: every prebuilt body was sent before the time was up. */
  ranOut: boolean;
}

const { values } = parseArgs({
  options: {
    urls: { type: 'string' },
    key: { type: 'string' },
    connections: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '0' },
    prebuilt: { type: 'string', default: '40000' },
    batch: { type: 'string', default: '50' },
    seed: { type: 'string', default: String(process.pid) },
  },
});
if (!values.urls || !values.key) throw new Error('usage: cluster-load-generator --urls <url,…> --key <key>');
const urls = values.urls.split(',');
const rate = Number(values.rate);
const batch = Number(values.batch);
const factory = new BatchFactory(values.key, Number(values.seed));
const prebuilt: Buffer[] = [];
if (rate === 0) {
  const needed = Math.ceil((Number(values.prebuilt) * Number(values.seconds)) / batch);
  for (let i = 0; i < needed; i++) prebuilt.push(Buffer.from(factory.body(batch)));
}

const connections = Number(values.connections);
const pools = urls.map((url) => new Pool(url, { connections, pipelining: 1 }));
const latencies: number[] = [];
const refused: Record<string, number> = {};
const ackedPerNode = urls.map(() => 0);
let sent = 0;
let next = 0;
process.stderr.write('sending\n');
const started = performance.now();
let deadline = started + Number(values.seconds) * 1000;
/** Resolves on SIGTERM: paced workers waiting for their next slot stop waiting (the run's time ends then). */
const stopped = new Promise<void>((resolve) =>
  process.once('SIGTERM', () => {
    deadline = 0;
    resolve();
  }),
);

async function worker(): Promise<void> {
  while (performance.now() < deadline && (rate > 0 || next < prebuilt.length)) {
    const index = next++;
    if (rate > 0) {
      const wait = started + ((index * batch) / rate) * 1000 - performance.now();
      let timer: NodeJS.Timeout | undefined;
      if (wait > 0)
        await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, wait))), stopped]);
      clearTimeout(timer);
      if (performance.now() >= deadline) break;
    }
    const body = rate > 0 ? factory.body(batch) : prebuilt[index]!;
    const node = index % urls.length;
    sent += batch;
    const t0 = performance.now();
    let status: string;
    try {
      const res = await pools[node]!.request({
        path: '/v1/events',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENTS[index % USER_AGENTS.length]!,
        },
        body,
      });
      await res.body.text();
      status = String(res.statusCode);
    } catch {
      status = 'error';
    }
    if (status === '200') {
      ackedPerNode[node]! += batch;
      latencies.push(performance.now() - t0);
    } else refused[status] = (refused[status] ?? 0) + 1;
  }
}

await Promise.all(Array.from({ length: connections }, worker));
const seconds = (performance.now() - started) / 1000;
await Promise.all(pools.map((pool) => pool.close()));
latencies.sort((a, b) => a - b);
const pct = (p: number) => (latencies.length > 0 ? percentile(latencies, p) : Number.NaN);
const acked = ackedPerNode.reduce((a, b) => a + b, 0);
const result: ClusterLoadResult = {
  eventsPerSecond: acked / seconds,
  acked,
  sent,
  refused,
  ackedPerNode,
  p50: pct(50),
  p99: pct(99),
  max: pct(100),
  seconds,
  ranOut: rate === 0 && next >= prebuilt.length && seconds < Number(values.seconds) - 0.05,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
