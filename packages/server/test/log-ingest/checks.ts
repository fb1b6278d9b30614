import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { INSIGHTS_MAX_LIMIT, type InsightsResult, type InsightView } from '@sightline/schema';
import type { ExportedEvent, SightlineProcess } from '../../../../e2e/support/sightline.js';
import { eventLogDir, listSegmentBases, segmentPath } from '../../src/log/file/segment-files.js';

/** The `event_log` part of a 200 /healthz. */
export interface EventLogHealth {
  loader_lag_events: number;
  processor_lag_events: number;
  appended_events: number;
  /** Appends whose write or sync failed (each refused, nothing of it acknowledged). */
  failed_writes: number;
}

export async function eventLogHealth(server: SightlineProcess): Promise<EventLogHealth> {
  const res = await fetch(`${server.url}/healthz`);
  const body = (await res.json()) as { event_log?: EventLogHealth };
  if (res.status !== 200 || !body.event_log)
    throw new Error(`/healthz answered ${res.status}: ${JSON.stringify(body)}`);
  return body.event_log;
}

/** Polls `probe` until it returns a value; fails with `what` after `ms` (a deadline, not a timed assertion). */
export async function waitFor<T>(what: string, probe: () => Promise<T | null>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

/** Until the loader has stored and the processor has processed everything acknowledged. */
export async function waitUntilCaughtUp(server: SightlineProcess): Promise<EventLogHealth> {
  let last: EventLogHealth | undefined;
  try {
    return await waitFor(
      'the loader and the processor caught up',
      async () => {
        last = await eventLogHealth(server);
        return last.loader_lag_events === 0 && last.processor_lag_events === 0 ? last : null;
      },
      60_000,
    );
  } catch (error) {
    const output = server.output().split('\n').slice(-20).join('\n');
    throw new Error(`${(error as Error).message}; last ${JSON.stringify(last)}; server output:\n${output}`);
  }
}

/** A time window of event timestamps: `from` inclusive, `to` exclusive. */
export interface Window {
  from: number;
  to: number;
}

/** The stored events whose timestamp falls in `window` (the export waits for the loader: read-your-acks). */
export async function exportWindow(server: SightlineProcess, window?: Window): Promise<ExportedEvent[]> {
  const range = window ? `?from=${window.from}&to=${window.to}` : '';
  const res = await fetch(`${server.url}/v1/export${range}`, {
    headers: { authorization: `Bearer ${server.secretKey}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${text.slice(0, 300)}`);
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as ExportedEvent);
}

/** Every `error_encountered` insight generated in `window`, all pages. */
export async function errorInsights(server: SightlineProcess, window: Window): Promise<InsightView[]> {
  const insights: InsightView[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${server.url}/v1/query/insights`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        time_range: window,
        factor: 'error_encountered',
        limit: INSIGHTS_MAX_LIMIT,
        ...(cursor ? { cursor } : {}),
      }),
    });
    const page = (await res.json()) as InsightsResult;
    if (res.status !== 200) throw new Error(`insights answered ${res.status}: ${JSON.stringify(page)}`);
    insights.push(...page.insights);
    cursor = page.next_cursor;
  } while (cursor);
  return insights;
}

/** What differs between the stored uuids and those expected exactly once. */
export function storedOnce(
  stored: readonly { uuid: string }[],
  expected: ReadonlySet<string>,
): { missing: string[]; repeated: string[]; unexpected: string[] } {
  const counts = new Map<string, number>();
  for (const { uuid } of stored) counts.set(uuid, (counts.get(uuid) ?? 0) + 1);
  return {
    missing: [...expected].filter((uuid) => !counts.has(uuid)),
    repeated: [...counts].filter(([, n]) => n > 1).map(([uuid]) => uuid),
    unexpected: [...counts.keys()].filter((uuid) => !expected.has(uuid)),
  };
}

/** The log's last (active) segment and its size: where a kill leaves a torn tail. */
export async function lastSegment(dataDir: string): Promise<{ path: string; size: number }> {
  const dir = eventLogDir(dataDir);
  const base = (await listSegmentBases(dir)).at(-1);
  if (base === undefined) throw new Error(`no event log segment under ${dir}`);
  const path = segmentPath(dir, base);
  return { path, size: statSync(path).size };
}
