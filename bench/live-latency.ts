/**
 * Event → live update latency (issue 6; budget p95 < 500 ms, docs/ARCHITECTURE.md, Budgets; issue target 250 ms): while
 * ~10k events/s of background traffic arrive, a `/v1/live` client subscribed to one probe
 * session's `session_timeline` times each probe event from its POST until a pushed result holds it.
 * The figure includes the group commit, the throttled re-run (250 ms) and the push.
 */
import WebSocket from 'ws';
import { startSightline } from '../e2e/support/sightline.js';
import { probeUnderLoad } from './lib/background-load.js';
import { fmt, percentile } from './lib/stats.js';

interface LiveMessage {
  type: string;
  id?: string;
  value?: { events?: Array<{ uuid: string }> };
}

/** One authenticated subscription; `waitFor` resolves when a pushed result satisfies the check. */
async function subscribe(url: string, secretKey: string, sessionId: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/live`);
  const waiters = new Set<{ check: (uuids: Set<string>) => boolean; resolve: () => void }>();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as LiveMessage;
    if (message.type !== 'result') return;
    const uuids = new Set((message.value?.events ?? []).map((e) => e.uuid));
    for (const waiter of waiters) {
      if (waiter.check(uuids)) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'auth', key: secretKey }));
  ws.send(
    JSON.stringify({
      type: 'subscribe',
      id: 'probe',
      query: 'session_timeline',
      args: { session_id: sessionId },
    }),
  );
  return {
    waitFor(uuid: string, timeoutMs: number): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no live update')), timeoutMs);
        waiters.add({
          check: (uuids) => uuids.has(uuid),
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: () => ws.close(),
  };
}

export async function benchLiveLatency(
  options = { rate: 10_000, seconds: 20, probes: 40 },
): Promise<string[]> {
  const server = await startSightline();
  const sessionId = `live-probe-${Date.now()}`;
  const live = await subscribe(server.url, server.secretKey, sessionId);
  try {
    const { results, failures, backgroundRate } = await probeUnderLoad(server, options, async (i) => {
      const uuid = `${sessionId}-${i}`;
      const started = performance.now();
      const arrived = live.waitFor(uuid, 10_000);
      const res = await fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          api_key: server.publicKey,
          batch: [{ uuid, event: 'live_probe', distinct_id: sessionId, session_id: sessionId }],
        }),
      });
      await res.arrayBuffer();
      await arrived;
      return performance.now() - started;
    });
    const latencies = [...results].sort((a, b) => a - b);
    process.stderr.write(
      `  live update latency: p50 ${fmt(percentile(latencies, 50), 1)} ms, p95 ${fmt(percentile(latencies, 95), 1)} ms\n`,
    );
    return [
      '',
      `## Event → live query update in a /v1/live client, under ~${fmt(options.rate)} events/s of background load`,
      '',
      '| background events/s | probes | p50 ms | p95 ms | max ms | failed | target p95 ≤ 250 ms |',
      '|---|---|---|---|---|---|---|',
      `| ${fmt(backgroundRate)} | ${latencies.length} | ${fmt(percentile(latencies, 50), 1)} | ${fmt(percentile(latencies, 95), 1)} | ${fmt(latencies[latencies.length - 1] ?? Number.NaN, 1)} | ${failures} | ${percentile(latencies, 95) <= 250 ? 'within' : 'over'} |`,
    ];
  } finally {
    live.close();
    await server.stop();
  }
}
