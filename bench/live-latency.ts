/**
 * Event → live update latency (docs/ARCHITECTURE.md, Budgets: p95 ≤ 250 ms under 20k events/s):
 * a `/v1/live` client subscribed to one probe session's `session_timeline` times each probe event
 * from its POST until a pushed result holds it — on one server, idle and then under the
 * fixed-rate load (lib/latency-probes.ts). The figure includes the log append, the loader, the
 * throttled re-run (250 ms) and the push.
 */
import WebSocket from 'ws';
import { type SightlineProcess, startSightline } from '../e2e/support/sightline.js';
import { loadShortfall } from './lib/budgets.js';
import {
  DEFAULT_LATENCY,
  type LatencyOptions,
  latencyTable,
  type Prober,
  probeIdleAndLoaded,
  reportSeries,
} from './lib/latency-probes.js';
import { fmt } from './lib/stats.js';

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

/** Probes that each post one event into a subscribed session and wait for the push holding it. */
export async function openLiveProber(server: SightlineProcess): Promise<Prober> {
  const sessionId = `live-probe-${Date.now()}`;
  const live = await subscribe(server.url, server.secretKey, sessionId);
  let count = 0;
  return {
    name: 'event → live update',
    async probe() {
      const uuid = `${sessionId}-${count++}`;
      const started = performance.now();
      const arrived = live.waitFor(uuid, 10_000);
      // A failed POST ends the probe before `arrived` is awaited: its timeout must not go unhandled.
      arrived.catch(() => undefined);
      const res = await fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          api_key: server.publicKey,
          batch: [{ uuid, event: 'live_probe', distinct_id: sessionId, session_id: sessionId }],
        }),
      });
      await res.arrayBuffer();
      const ackMs = performance.now() - started;
      if (res.status !== 200) throw new Error(`capture answered ${res.status}`);
      await arrived;
      return { ms: performance.now() - started, ackMs };
    },
    close: () => live.close(),
  };
}

export async function benchLiveLatency(options: LatencyOptions = DEFAULT_LATENCY): Promise<string[]> {
  const server = await startSightline();
  const prober = await openLiveProber(server);
  try {
    const result = await probeIdleAndLoaded(server, [prober], options);
    reportSeries(result);
    return [
      '',
      `## Event → live query update in a /v1/live client, idle and under ${fmt(result.load.eventsPerSecond)} events/s (same server)`,
      '',
      ...latencyTable(result),
      ...loadShortfall(result.load.eventsPerSecond),
    ];
  } finally {
    prober.close();
    await server.stop();
  }
}
