/**
 * Ingest load generator, run as its own process so it does not share an event loop with the
 * server. Sends `POST /v1/events` bodies of simulated demo-app sessions (lib/events.ts) over N
 * keep-alive connections for a fixed time and prints one JSON line of results (LoadResult).
 *   load-generator --url U --key K [--connections 16] [--seconds 10] [--body plain|gzip]
 *                  [--rate events/s, 0 = unpaced] [--batch 50] [--seed N] [--now ms]
 * Unpaced, every body is built before the clock starts (building would otherwise cap the rate);
 * paced (--rate), bodies are built as they fall due, so a long soak needs no memory for them.
 * The same key, batch, body, seed and now give the same bodies, in the same order, byte for byte.
 * Writes `sending` to stderr when the clock starts.
 */
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import type { LoadResult } from './lib/background-load.js';
import { BatchFactory, USER_AGENTS } from './lib/events.js';
import { percentile } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    connections: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '10' },
    body: { type: 'string', default: 'plain' },
    rate: { type: 'string', default: '0' },
    batch: { type: 'string', default: '50' },
    seed: { type: 'string', default: String(process.pid) },
    now: { type: 'string' },
  },
});
const { url, key } = values;
if (!url || !key) throw new Error('usage: load-generator --url <url> --key <public key> [options]');
const rate = Number(values.rate);
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const gzip = values.body === 'gzip';
/** Events per request: 50 (the SDK's batches) unless given; 1 is how a browser sends one event at a time. */
const BATCH = Number(values.batch);
const factory = new BatchFactory(key, Number(values.seed), values.now ? Number(values.now) : Date.now());
let bodyBytes = 0;
let bodiesMade = 0;
const make = (): Buffer => {
  const json = factory.body(BATCH);
  const body = gzip ? gzipSync(json) : Buffer.from(json);
  bodyBytes += body.length;
  bodiesMade++;
  return body;
};

/**
 * Unpaced: enough distinct bodies for ~120k events/s over the run (40k with smaller requests,
 * which no server answers as fast): more than the server will take.
 */
const prebuilt: Buffer[] = [];
if (rate === 0) {
  const needed = Math.ceil(((BATCH >= 50 ? 120_000 : 40_000) * seconds) / BATCH);
  for (let i = 0; i < needed; i++) prebuilt.push(make());
}

const pool = new Pool(url, { connections, pipelining: 1 });
const latencies: number[] = [];
let acked = 0;
let failed = 0;
let unavailable = 0;
let next = 0;
process.stderr.write('sending\n');
const started = performance.now();
const deadline = started + seconds * 1000;

async function worker(): Promise<void> {
  while (performance.now() < deadline && (rate > 0 || next < prebuilt.length)) {
    const index = next++;
    if (rate > 0) {
      const wait = started + ((index * BATCH) / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (performance.now() >= deadline) break;
    }
    const body = rate > 0 ? make() : prebuilt[index]!;
    const t0 = performance.now();
    const res = await pool.request({
      path: '/v1/events',
      method: 'POST',
      headers: {
        'content-type': gzip ? 'text/plain' : 'application/json',
        'user-agent': USER_AGENTS[index % USER_AGENTS.length]!,
      },
      body,
    });
    await res.body.text();
    if (res.statusCode === 200) {
      acked += BATCH;
      latencies.push(performance.now() - t0);
    } else if (res.statusCode === 503) unavailable++;
    else failed++;
  }
}

await Promise.all(Array.from({ length: connections }, worker));
const elapsed = (performance.now() - started) / 1000;
await pool.close();
latencies.sort((a, b) => a - b);
const pct = (p: number) => (latencies.length > 0 ? percentile(latencies, p) : 0);
const result: LoadResult = {
  eventsPerSecond: acked / elapsed,
  acked,
  unavailable,
  failed,
  p50: pct(50),
  p99: pct(99),
  max: pct(100),
  bytesPerEvent: bodyBytes / Math.max(1, bodiesMade) / BATCH,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
