/**
 * Event → intervention latency (DESIGN §8: p95 < 500 ms): while a paced load generator sends
 * ~10k events/s of background traffic, probe sessions each open the SSE stream, send three rage
 * clicks, and time until their `tooltip` intervention arrives. The clock starts before the POST,
 * so the figure includes the ingest commit, processing, the processor's commit and the push.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSightline } from '../e2e/support/sightline.js';
import { openSse } from '../e2e/support/sse-client.js';
import { fmt, percentile } from './lib/stats.js';

const run = promisify(execFile);
const GENERATOR = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

export interface InterventionLatencyOptions {
  /** Background load, events/s. */
  rate: number;
  seconds: number;
  probes: number;
}

export const DEFAULT_INTERVENTION_LATENCY: InterventionLatencyOptions = {
  rate: 10_000,
  seconds: 20,
  probes: 40,
};

interface ProbeResult {
  /** POST → intervention received. */
  total: number;
  /** POST → capture acknowledged (the events are committed). */
  ack: number;
}

async function probe(url: string, publicKey: string, sessionId: string): Promise<ProbeResult> {
  const stream = await openSse(
    `${url}/v1/interventions?session_id=${encodeURIComponent(sessionId)}&api_key=${encodeURIComponent(publicKey)}`,
  );
  try {
    const now = Date.now();
    const batch = [0, 150, 300].map((dt, i) => ({
      uuid: `${sessionId}-${i}`,
      event: 'user_click',
      distinct_id: sessionId,
      session_id: sessionId,
      timestamp: now + dt,
      properties: { click_x: 300 + i, click_y: 200 },
    }));
    const started = performance.now();
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: publicKey, batch, sent_at: now + 300 }),
    });
    await res.arrayBuffer();
    const ack = performance.now() - started;
    const message = await stream.next(10_000);
    if (message.event !== 'intervention') throw new Error(`unexpected SSE event ${message.event}`);
    return { total: performance.now() - started, ack };
  } finally {
    stream.close();
  }
}

export async function benchInterventionLatency(
  options: InterventionLatencyOptions = DEFAULT_INTERVENTION_LATENCY,
): Promise<string[]> {
  const server = await startSightline({ env: { SIGHTLINE_HOLDOUT_PERCENT: '0' } });
  try {
    const load = run(
      process.execPath,
      [
        '--import',
        'tsx',
        GENERATOR,
        server.url,
        server.publicKey,
        '16',
        String(options.seconds),
        'plain',
        String(options.rate),
      ],
      { maxBuffer: 1 << 20 },
    );
    // Let the background load reach its pace before probing.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const latencies: number[] = [];
    const acks: number[] = [];
    let failures = 0;
    const spacing = ((options.seconds - 6) * 1000) / options.probes;
    for (let i = 0; i < options.probes; i++) {
      try {
        const result = await probe(server.url, server.publicKey, `latency-probe-${Date.now()}-${i}`);
        latencies.push(result.total);
        acks.push(result.ack);
      } catch {
        failures++;
      }
      await new Promise((resolve) => setTimeout(resolve, spacing));
    }
    const background = JSON.parse((await load).stdout.trim().split('\n').pop()!) as {
      eventsPerSecond: number;
    };
    latencies.sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    const verdict = percentile(latencies, 95) <= 500 ? 'within' : 'over';
    process.stderr.write(
      `  intervention latency: p50 ${fmt(percentile(latencies, 50), 1)} ms, p95 ${fmt(percentile(latencies, 95), 1)} ms\n`,
    );
    return [
      '',
      `## Event → intervention in an SSE client, under ~${fmt(options.rate)} events/s of background load`,
      '',
      '| background events/s | probes | p50 ms | p95 ms | max ms | of which capture ack p50 / p95 ms | failed | target p95 ≤ 500 ms |',
      '|---|---|---|---|---|---|---|---|',
      `| ${fmt(background.eventsPerSecond)} | ${latencies.length} | ${fmt(percentile(latencies, 50), 1)} | ${fmt(percentile(latencies, 95), 1)} | ${fmt(latencies[latencies.length - 1] ?? Number.NaN, 1)} | ${fmt(percentile(acks, 50), 1)} / ${fmt(percentile(acks, 95), 1)} | ${failures} | ${verdict} |`,
    ];
  } finally {
    await server.stop();
  }
}
