/**
 * Reads how far the event log's consumers are behind (GET /healthz → event_log, written by
 * packages/server/src/http/routes/health.ts) and the server process's RSS, once or every 100 ms.
 */
import { rssMiB } from './server.js';
import { percentile } from './stats.js';

/** The `/healthz` figures the benches read (DuckDB only: ClickHouse has no event log). */
export interface EventLogHealth {
  loader_lag_events: number;
  loader_lag_ms: number;
  processor_lag_events: number;
  processor_lag_ms: number;
  appended_events: number;
}

/** `event_log` of a 200 `/healthz`; undefined when the server has no event log or is unhealthy. */
export async function eventLogHealth(url: string): Promise<EventLogHealth | undefined> {
  const res = await fetch(`${url}/healthz`);
  const body = (await res.json()) as { event_log?: EventLogHealth };
  return res.status === 200 ? body.event_log : undefined;
}

export interface HealthSample {
  /** ms since the sampler started. */
  at: number;
  /** Undefined when /healthz did not answer 200 with an event log. */
  log: EventLogHealth | undefined;
  /** Server RSS now, MiB. */
  rss: number;
}

export interface HealthSampler {
  /** Stops sampling; resolves with every sample taken. */
  stop(): Promise<HealthSample[]>;
}

/**
 * Samples every `everyMs` until stopped (a slow answer delays the next sample rather than
 * overlapping it, so a stalled server shows up as fewer samples, not as a pile of requests).
 */
export function sampleHealth(url: string, pid: number, everyMs = 100): HealthSampler {
  const samples: HealthSample[] = [];
  const started = performance.now();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const tick = performance.now();
      const log = await eventLogHealth(url).catch(() => undefined);
      samples.push({ at: tick - started, log, rss: rssMiB(pid).rss });
      const wait = everyMs - (performance.now() - tick);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

export interface LagSummary {
  samples: number;
  /** Samples /healthz did not answer with an event log (unhealthy or no log). */
  missing: number;
  loader: { p50: number; p95: number; max: number; maxEvents: number };
  processor: { p50: number; p95: number; max: number; maxEvents: number };
  rssMax: number;
}

/** p50 / p95 / max of each consumer's lag (ms) over samples, and the largest backlog in events. */
export function summarizeLag(samples: readonly HealthSample[]): LagSummary {
  const logs = samples.flatMap((s) => (s.log ? [s.log] : []));
  const of = (ms: (l: EventLogHealth) => number, events: (l: EventLogHealth) => number) => {
    const sorted = logs.map(ms).sort((a, b) => a - b);
    return {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      maxEvents: Math.max(0, ...logs.map(events)),
    };
  };
  return {
    samples: samples.length,
    missing: samples.length - logs.length,
    loader: of(
      (l) => l.loader_lag_ms,
      (l) => l.loader_lag_events,
    ),
    processor: of(
      (l) => l.processor_lag_ms,
      (l) => l.processor_lag_events,
    ),
    rssMax: Math.max(0, ...samples.map((s) => s.rss)),
  };
}
