import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SightlineProcess, startSightline } from '../../../../e2e/support/sightline.js';
import { STORAGE_RETRY_AFTER_SECONDS } from '../../src/http/storage-unavailable.js';
import { fillDisk, Tmpfs } from '../support/tmpfs.js';
import { exportWindow, storedOnce, waitFor, waitUntilCaughtUp } from './checks.js';

/** Room for the database, the log and the free space recovery waits for (set below); filled in a blink. */
const TMPFS_SIZE = '64m';
const SERVER_ENV = {
  // Small segments: the outage also meets segment rolls (a new file on a full disk).
  SIGHTLINE_LOG_SEGMENT_BYTES: String(256 * 1024),
  // Recovery waits for this much free space (default 64 MiB, more than this whole tmpfs) ...
  SIGHTLINE_STORAGE_MIN_FREE_MB: '8',
  // ... and retries at least this often once the outage is over (default up to 30 s).
  SIGHTLINE_STORAGE_RETRY_MAX_MS: '1000',
};
const EVENTS_PER_BATCH = 20;
/** A client retries a refused batch this often (a real SDK honours Retry-After; the test has no time to). */
const RETRY_EVERY_MS = 25;

/** What the clients saw. */
interface Seen {
  acknowledged: string[];
  statuses: Map<number, number>;
  /** Refusals that were not `503 storage_unavailable` JSON with Retry-After. */
  badRefusals: string[];
  /** Anything else that went wrong on the client's side (a dropped connection). */
  errors: string[];
}

/** A client sending good batches back to back, retrying each until it is acknowledged, like the SDK. */
async function sendUntil(server: SightlineProcess, seen: Seen, stopped: () => boolean): Promise<void> {
  try {
    while (!stopped()) {
      const batch = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({
        uuid: randomUUID(),
        event: i === 0 ? '$pageview' : 'disk_full_step',
        distinct_id: 'disk-full-user',
        session_id: 'disk-full-session',
        timestamp: Date.now(),
        properties: { url: 'https://disk-full.test/page', note: 'x'.repeat(400) },
      }));
      const body = JSON.stringify({ api_key: server.publicKey, batch });
      for (;;) {
        const res = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const text = await res.text();
        seen.statuses.set(res.status, (seen.statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) {
          for (const e of batch) seen.acknowledged.push(e.uuid);
          break;
        }
        const answer = JSON.parse(text) as { error?: string };
        const retryAfter = res.headers.get('retry-after');
        if (
          res.status !== 503 ||
          answer.error !== 'storage_unavailable' ||
          retryAfter !== String(STORAGE_RETRY_AFTER_SECONDS)
        )
          seen.badRefusals.push(`${res.status} retry-after ${retryAfter}: ${text.slice(0, 200)}`);
        await sleep(RETRY_EVERY_MS);
      }
    }
  } catch (error) {
    seen.errors.push(String(error));
  }
}

describe('log-first capture on a full disk', () => {
  const tmpfs = new Tmpfs('sightline-log-ingest-full-', TMPFS_SIZE);
  const dataDir = join(tmpfs.path, 'data');
  const keys = { publicKey: 'sl_pub_diskfull', secretKey: 'sl_sec_diskfull' };
  let server: SightlineProcess | undefined;
  let stop = false;
  let senders: Promise<void>[] = [];

  beforeAll(() => tmpfs.mount('test/log/file-log-failures.test.ts covers ENOSPC injected at the fs layer'));
  afterAll(async () => {
    stop = true;
    await server?.kill();
    await Promise.all(senders);
    tmpfs.unmount();
  });

  it('refuses appends with 503 storage_unavailable, acknowledges only what is durable, carries on when space returns', {
    timeout: 120_000,
  }, async () => {
    const running = await startSightline({ dataDir, ...keys, env: SERVER_ENV });
    server = running;
    const seen: Seen = { acknowledged: [], statuses: new Map(), badRefusals: [], errors: [] };
    senders = [0, 1, 2].map(() => sendUntil(running, seen, () => stop));
    await waitFor(
      'captures acknowledged',
      async () => (seen.acknowledged.length >= 200 ? true : null),
      20_000,
    );

    // The disk fills up: appends are refused while it lasts.
    const filler = join(tmpfs.path, 'filler');
    fillDisk(filler);
    const refused = () => seen.statuses.get(503) ?? 0;
    await waitFor('captures refused', async () => (refused() >= 20 ? true : null), 20_000);
    const ackedBeforeSpaceReturned = seen.acknowledged.length;
    const refusedWhileFull = refused();

    // Space returns: the same server (no restart) acknowledges again, stores what it acknowledged, recovers.
    rmSync(filler);
    await waitFor(
      'captures acknowledged after space returned',
      async () => (seen.acknowledged.length >= ackedBeforeSpaceReturned + 200 ? true : null),
      30_000,
    );
    await waitFor(
      'healthy again',
      async () => ((await fetch(`${running.url}/healthz`)).status === 200 ? true : null),
      30_000,
    );
    // Every sender finishes its batch (retried until acknowledged): everything sent is acknowledged.
    stop = true;
    await Promise.all(senders);
    const acknowledged = new Set(seen.acknowledged);
    const health = await waitUntilCaughtUp(running);
    // The refusals were the log's own writes failing (not only the database behind it).
    expect(health.failed_writes).toBeGreaterThan(0);
    expect(storedOnce(await exportWindow(running), acknowledged)).toEqual({
      missing: [],
      repeated: [],
      unexpected: [],
    });

    // Then a crash: every 200 was for an event made durable, so all are there after the restart.
    await running.kill();
    server = await startSightline({ dataDir, ...keys, env: SERVER_ENV });
    const stored = await exportWindow(server);
    console.log(
      `full disk: ${refusedWhileFull} captures refused while it lasted (${ackedBeforeSpaceReturned} events acknowledged by then); ` +
        `${health.failed_writes} failed log writes; ${acknowledged.size} acknowledged in all, ${stored.length} stored after a kill -9 and restart; ` +
        `answers ${JSON.stringify(Object.fromEntries(seen.statuses))}`,
    );
    expect(seen.badRefusals).toEqual([]);
    // Only 200 and 503: never a 500, never a dropped connection while the server was up.
    expect([...seen.statuses.keys()].sort()).toEqual([200, 503]);
    expect(seen.errors).toEqual([]);
    expect(storedOnce(stored, acknowledged)).toEqual({ missing: [], repeated: [], unexpected: [] });
    expect(await server.stop()).toBe(0);
    server = undefined;
  });
});
