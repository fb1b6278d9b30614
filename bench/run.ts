/**
 * `npm run bench`: every benchmark, printed as a Markdown report (and saved under bench/results/).
 * Options: --runs N (default 3), --seconds S (default 10), --connections C (default 16);
 * --queries adds query timings over each of --query-events N[,N…] (default 1 000 000 and 10 000 000)
 * generated events (cached under .cache/bench/); --query-names a,b times only those queries.
 * --only ingest,durable,log,lag,intervention,live,queries,soak,cluster runs just those (ingest: Sightline as a
 * ratio of the durable reference, paired runs; durable: the durable reference alone; log: event log
 * appends as a ratio of it, bench/log-append.ts; lag: loader/processor lag plus live-update and
 * intervention latency at 20k events/s for --lag-seconds S (default 30), bench/lag.ts).
 * --soak (or --only soak) adds the soak: --soak-minutes M (default 10) at 20k events/s with live
 * dashboards open (bench/soak.ts).
 * --cluster (or --only cluster) adds cluster mode (bench/cluster.ts): one vs two Sightline nodes on the
 * NATS log (3-node nats-server, ClickHouse), --runs interleaved pairs of --seconds, then event → insight
 * across nodes, --cluster-probes N per run and phase (default 20), idle and under --cluster-load
 * events/s (default 500); --cluster-partitions P (default: the server's, 16).
 * --engines duckdb,clickhouse (default: both when clickhouse-server is installed) runs ingest and
 * queries on each, in the same run: ClickHouse is the test config's clickhouse-server (bench/lib/clickhouse.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { benchDurableReference } from './durable-reference.js';
import { benchIngest } from './ingest.js';
import { benchInterventionLatency } from './intervention-latency.js';
import { benchLag, DEFAULT_LAG } from './lag.js';
import { clickhouseAvailable, stopClickHouse } from './lib/clickhouse.js';
import { benchLiveLatency } from './live-latency.js';
import { benchLogAppend } from './log-append.js';
import { benchQueries } from './queries.js';
import { benchSoak } from './soak.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    queries: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    'cluster-probes': { type: 'string', default: '20' },
    'cluster-load': { type: 'string', default: '500' },
    'cluster-partitions': { type: 'string' },
    'soak-minutes': { type: 'string', default: '10' },
    'lag-seconds': { type: 'string', default: String(DEFAULT_LAG.seconds) },
    only: { type: 'string' },
    'query-events': { type: 'string', default: '1000000,10000000' },
    'query-names': { type: 'string' },
    engines: { type: 'string', default: clickhouseAvailable() ? 'duckdb,clickhouse' : 'duckdb' },
  },
});

const header = [
  `# Sightline benchmarks — ${new Date().toISOString()}`,
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. Figures vary on shared machines: read the median.`,
  '',
];
const only = values.only ? new Set(values.only.split(',')) : null;
/** Queries, the soak and the cluster are long: only when asked for (--queries, --soak, --cluster, or --only). */
const optIn: Record<string, boolean | undefined> = {
  queries: values.queries,
  soak: values.soak,
  cluster: values.cluster,
};
const wanted = (name: string) => (only ? only.has(name) : (optIn[name] ?? true));
const engines = values.engines.split(',') as Array<'duckdb' | 'clickhouse'>;
const ingest: string[] = [];
for (const engine of wanted('ingest') ? engines : []) {
  ingest.push(
    ...(await benchIngest({
      runs: Number(values.runs),
      seconds: Number(values.seconds),
      connections: Number(values.connections),
      engine,
    })),
    '',
  );
}
const durableOptions = {
  runs: Number(values.runs),
  seconds: Number(values.seconds),
  connections: Number(values.connections),
};
const durable = wanted('durable') ? [...(await benchDurableReference(durableOptions)), ''] : [];
const logAppend = wanted('log') ? [...(await benchLogAppend(durableOptions)), ''] : [];
const lag = wanted('lag') ? await benchLag({ ...DEFAULT_LAG, seconds: Number(values['lag-seconds']) }) : [];
const interventionLatency = wanted('intervention') ? await benchInterventionLatency() : [];
const liveLatency = wanted('live') ? await benchLiveLatency() : [];
const queries: string[] = [];
const names = values['query-names'] ? new Set(values['query-names'].split(',')) : undefined;
if (wanted('queries')) {
  for (const events of values['query-events'].split(',').map(Number)) {
    for (const engine of engines)
      queries.push(...(await benchQueries({ events, runs: Number(values.runs), engine, names })));
  }
}
const soak = wanted('soak')
  ? await benchSoak({ minutes: Number(values['soak-minutes']), dashboards: 3 })
  : [];
// Loaded only when asked for: it brings the NATS test support (and vitest's hooks) with it.
const cluster = wanted('cluster')
  ? await (await import('./cluster.js')).benchCluster({
      runs: Number(values.runs),
      seconds: Number(values.seconds),
      connections: Number(values.connections),
      probes: Number(values['cluster-probes']),
      probeLoad: Number(values['cluster-load']),
      partitions: values['cluster-partitions'] ? Number(values['cluster-partitions']) : undefined,
    })
  : [];
await stopClickHouse();
const report = [
  ...header,
  ...ingest,
  ...durable,
  ...logAppend,
  ...lag,
  ...interventionLatency,
  ...liveLatency,
  ...queries,
  ...soak,
  ...cluster,
  '',
].join('\n');
process.stdout.write(report);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL(`./results/bench-${Date.now()}.md`, import.meta.url), report);
