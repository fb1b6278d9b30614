/**
 * Ingest load generator, run as its own process so it does not share an event loop with the
 * server. Pre-builds batches of simulated demo-app sessions (lib/events.ts), then sends them over N keep-alive
 * connections for a fixed time and prints one JSON line of results.
 */
import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { BatchFactory, USER_AGENTS } from './lib/events.js';

const [url, apiKey, connectionsArg, secondsArg, mode, rateArg, batchArg] = process.argv.slice(2);
if (!url || !apiKey)
  throw new Error(
    'usage: load-generator <url> <public key> <connections> <seconds> <plain|gzip> [events/s, 0 = unpaced] [events per request]',
  );
/** Optional target rate (events/s): batches are paced instead of sent as fast as possible. */
const rate = rateArg ? Number(rateArg) : 0;
const connections = Number(connectionsArg ?? 8);
const seconds = Number(secondsArg ?? 10);
const gzip = mode === 'gzip';
/** Events per request: 50 (the SDK's batches) unless given; 1 is how a browser sends one event at a time. */
const BATCH = Number(batchArg ?? 50);
/**
 * Enough distinct bodies for ~120k events/s over the run (40k with smaller requests, which no
 * server answers as fast): more than the server will take.
 */
const bodies: Buffer[] = [];
const needed = Math.ceil(((rate > 0 ? rate * 1.2 : BATCH >= 50 ? 120_000 : 40_000) * seconds) / BATCH);
const factory = new BatchFactory(apiKey, process.pid);
for (let i = 0; i < needed; i++) {
  const json = factory.body(BATCH);
  bodies.push(gzip ? gzipSync(json) : Buffer.from(json));
}
const bytesPerEvent = bodies.reduce((n, b) => n + b.length, 0) / bodies.length / BATCH;

const pool = new Pool(url, { connections, pipelining: 1 });
const latencies: number[] = [];
let acked = 0;
let failed = 0;
let next = 0;
const deadline = performance.now() + seconds * 1000;
const started = performance.now();

async function worker(): Promise<void> {
  while (performance.now() < deadline && next < bodies.length) {
    if (rate > 0) {
      const due = started + ((next * BATCH) / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (performance.now() >= deadline) break;
    }
    const body = bodies[next++]!;
    const t0 = performance.now();
    const res = await pool.request({
      path: '/v1/events',
      method: 'POST',
      headers: {
        'content-type': gzip ? 'text/plain' : 'application/json',
        'user-agent': USER_AGENTS[next % USER_AGENTS.length]!,
      },
      body,
    });
    await res.body.text();
    if (res.statusCode === 200) {
      acked += BATCH;
      latencies.push(performance.now() - t0);
    } else failed++;
  }
}

await Promise.all(Array.from({ length: connections }, worker));
const elapsed = (performance.now() - started) / 1000;
await pool.close();
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0;
process.stdout.write(
  `${JSON.stringify({ eventsPerSecond: acked / elapsed, acked, failed, p50: pct(50), p99: pct(99), max: pct(100), bytesPerEvent })}\n`,
);
