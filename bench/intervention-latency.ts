/**
 * Event → intervention latency (docs/ARCHITECTURE.md, Budgets: p95 ≤ 250 ms under 20k events/s):
 * probe sessions each open the SSE stream, send three rage clicks, and time until their `tooltip`
 * intervention arrives — on one server, idle and then under the fixed-rate load
 * (lib/latency-probes.ts). The clock starts before the POST, so the figure includes the log
 * append, processing, the processor's commit and the push.
 */

import { type SightlineProcess, startSightline } from '../e2e/support/sightline.js';
import { openSse } from '../e2e/support/sse-client.js';
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

/** Every probe session gets its intervention: the server must run with no holdout. */
export const NO_HOLDOUT = { SIGHTLINE_HOLDOUT_PERCENT: '0' };

/** Probes that each rage-click in a new session and wait for its intervention on the SSE stream. */
export function interventionProber(server: SightlineProcess): Prober {
  const prefix = `latency-probe-${Date.now()}`;
  let count = 0;
  return {
    name: 'event → intervention',
    async probe() {
      const sessionId = `${prefix}-${count++}`;
      const stream = await openSse(
        `${server.url}/v1/interventions?session_id=${encodeURIComponent(sessionId)}&api_key=${encodeURIComponent(server.publicKey)}`,
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
        const res = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ api_key: server.publicKey, batch, sent_at: now + 300 }),
        });
        await res.arrayBuffer();
        const ackMs = performance.now() - started;
        if (res.status !== 200) throw new Error(`capture answered ${res.status}`);
        const message = await stream.next(10_000);
        if (message.event !== 'intervention') throw new Error(`unexpected SSE event ${message.event}`);
        return { ms: performance.now() - started, ackMs };
      } finally {
        stream.close();
      }
    },
    close: () => undefined,
  };
}

export async function benchInterventionLatency(options: LatencyOptions = DEFAULT_LATENCY): Promise<string[]> {
  const server = await startSightline({ env: NO_HOLDOUT });
  try {
    const result = await probeIdleAndLoaded(server, [interventionProber(server)], options);
    reportSeries(result);
    return [
      '',
      `## Event → intervention in an SSE client, idle and under ${fmt(result.load.eventsPerSecond)} events/s (same server)`,
      '',
      ...latencyTable(result),
      ...loadShortfall(result.load.eventsPerSecond),
    ];
  } finally {
    await server.stop();
  }
}
