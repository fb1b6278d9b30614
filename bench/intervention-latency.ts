/**
 * Event → intervention latency (budget p95 < 500 ms, docs/ARCHITECTURE.md, Budgets): while a paced load generator sends
 * ~10k events/s of background traffic, probe sessions each open the SSE stream, send three rage
 * clicks, and time until their `tooltip` intervention arrives. The clock starts before the POST,
 * so the figure includes the ingest commit, processing, the processor's commit and the push.
 */
import { startSightline } from '../e2e/support/sightline.js';
import { openSse } from '../e2e/support/sse-client.js';
import { probeUnderLoad } from './lib/background-load.js';
import { fmt, percentile } from './lib/stats.js';

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
    const { results, failures, backgroundRate } = await probeUnderLoad(server, options, (i) =>
      probe(server.url, server.publicKey, `latency-probe-${Date.now()}-${i}`),
    );
    const latencies = results.map((r) => r.total);
    const acks = results.map((r) => r.ack);
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
      `| ${fmt(backgroundRate)} | ${latencies.length} | ${fmt(percentile(latencies, 50), 1)} | ${fmt(percentile(latencies, 95), 1)} | ${fmt(latencies[latencies.length - 1] ?? Number.NaN, 1)} | ${fmt(percentile(acks, 50), 1)} / ${fmt(percentile(acks, 95), 1)} | ${failures} | ${verdict} |`,
    ];
  } finally {
    await server.stop();
  }
}
