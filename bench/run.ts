/**
 * `npm run bench`: every benchmark, printed as a Markdown report (and saved under bench/results/).
 * Options: --runs N (default 3), --seconds S (default 10), --connections C (default 16);
 * --queries adds query timings over --query-events N (default 1 000 000) generated events.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { benchIngest } from './ingest.js';
import { benchInterventionLatency } from './intervention-latency.js';
import { benchLiveLatency } from './live-latency.js';
import { benchQueries } from './queries.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    queries: { type: 'boolean', default: false },
    'query-events': { type: 'string', default: '1000000' },
  },
});

const header = [
  `# Sightline benchmarks — ${new Date().toISOString()}`,
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. Figures vary on shared machines: read the median.`,
  '',
];
const ingest = await benchIngest({
  runs: Number(values.runs),
  seconds: Number(values.seconds),
  connections: Number(values.connections),
});
const interventionLatency = await benchInterventionLatency();
const liveLatency = await benchLiveLatency();
const queries = values.queries
  ? await benchQueries({ events: Number(values['query-events']), runs: Number(values.runs) })
  : [];
const report = [...header, ...ingest, ...interventionLatency, ...liveLatency, ...queries, ''].join('\n');
process.stdout.write(report);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL(`./results/bench-${Date.now()}.md`, import.meta.url), report);
